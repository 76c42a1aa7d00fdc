import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { Slugger, slugify } from '../../../../src/domain/gates/docs-links/slugger.ts'

describe('slugify()', () => {
  // Expected values are GitHub's rendered anchors.
  test.each([
    ['Installation', 'installation'],
    ['Getting Started', 'getting-started'],
    ['What is `npm run gates`?', 'what-is-npm-run-gates'],
    ['C++ & Rust: a comparison', 'c--rust-a-comparison'],
    ['snake_case_heading', 'snake_case_heading'],
    ['Über Größe', 'über-größe'],
    ['日本語の見出し', '日本語の見出し'],
    ['  Trailing  spaces ', '--trailing--spaces-'],
    ['1.2.3 Release notes', '123-release-notes'],
    ['Emoji 🚀 rocket', 'emoji--rocket'],
  ])('%s → %s', (heading, slug) => {
    expect(slugify(heading)).toBe(slug)
  })

  test('keeps only lowercase letters, marks, numbers, _ and -', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const slug = slugify(text)
        expect(slug).toMatch(/^[\p{L}\p{M}\p{N}\p{Pc}-]*$/u)
        expect(slug).not.toContain(' ')
        expect(slugify(slug)).toBe(slug) // idempotent
      }),
    )
  })

  test('plain words joined by single spaces become lowercase words joined by -', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { minLength: 1, maxLength: 6 }), (words) => {
        expect(slugify(words.join(' '))).toBe(words.join('-').toLowerCase())
      }),
    )
  })
})

describe('Slugger', () => {
  test('numbers repeats like GitHub: -1, -2, and skips slugs already taken', () => {
    const s = new Slugger()
    expect(['Usage', 'Usage', 'Usage', 'Usage 1', 'Usage-1'].map((h) => s.slug(h))).toEqual([
      'usage',
      'usage-1',
      'usage-2',
      'usage-1-1',
      'usage-1-2',
    ])
  })

  test('every slug in a document is unique', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('A', 'A 1', 'a-1', 'b', 'B!', 'a-2', 'A-1-1', ''), { maxLength: 40 }),
        (headings) => {
          const s = new Slugger()
          const slugs = headings.map((h) => s.slug(h))
          expect(new Set(slugs).size).toBe(slugs.length)
        },
      ),
    )
  })
})

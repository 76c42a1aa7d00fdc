import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { scanDocsLinks } from '../../src/gates/docs-links.ts'
import { GATE_DEFAULTS } from '../../src/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../src/gates/repo-files.ts'

const ROOT = join(PACKAGE_ROOT, 'specs', 'fixtures', 'gates', 'docs')
const FILES = ['README.md', 'broken.md', 'docs/guide.md', 'docs/img/logo.txt', 'docs/with space.md']

describe('scanDocsLinks()', () => {
  test('finds nothing wrong in a file using every link form correctly', () => {
    const { findings } = scanDocsLinks(
      ROOT,
      FILES.filter((f) => f !== 'broken.md'),
      GATE_DEFAULTS['docs-links'],
    )
    expect(findings).toEqual([])
  })

  test('reports each broken link, anchor, reference and URL with file:line', () => {
    const { findings } = scanDocsLinks(ROOT, FILES, GATE_DEFAULTS['docs-links'])
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`).sort()).toEqual([
      'broken.md:3 broken-anchor link to docs/guide.md#instal: docs/guide.md has no heading with anchor #instal',
      'broken.md:3 broken-link link to docs/gide.md: docs/gide.md does not exist',
      'broken.md:4 broken-anchor link to #brokn-links: broken.md has no heading with anchor #brokn-links',
      'broken.md:4 undefined-reference reference [nowhere] has no definition',
      'broken.md:5 broken-link link to img/none.png: img/none.png does not exist',
      'broken.md:5 outside-repo link to ../../outside.md leaves the repository',
      'broken.md:6 bad-url https:// is not a valid URL',
      'broken.md:6 bad-url mailto: has no address',
    ])
  })

  test('remediations suggest the nearest file and anchor', () => {
    const { findings } = scanDocsLinks(ROOT, FILES, GATE_DEFAULTS['docs-links'])
    const byMessage = (part: string) => findings.find((f) => f.message.includes(part))?.remediation
    expect(byMessage('docs/gide.md')).toContain('did you mean docs/guide.md?')
    expect(byMessage('#instal')).toContain('did you mean #set-up--install?')
  })

  test('links count only when the target is in the scanned file list (an untracked target is broken)', () => {
    const { findings } = scanDocsLinks(
      ROOT,
      ['README.md', 'docs/img/logo.txt', 'docs/with space.md'],
      GATE_DEFAULTS['docs-links'],
    )
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['broken-link']))
    expect(findings.every((f) => f.message.includes('docs/guide.md'))).toBe(true)
  })
})

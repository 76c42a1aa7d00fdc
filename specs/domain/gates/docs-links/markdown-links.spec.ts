import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { headingText, normalizeLabel, parseMarkdown } from '../../../../src/domain/gates/docs-links/markdown-links.ts'

describe('parseMarkdown()', () => {
  test('finds inline links, nested images, definitions, autolinks and HTML links with their lines', () => {
    const doc = parseMarkdown(
      [
        '[![img](a.png)](b.md "t") <https://x.org>',
        'text [c](<with space.md>) and (parens [d](e_(1).md))',
        '<img src="f.png"> [g][h]',
        '[h]: i.md',
      ].join('\n'),
    )
    expect(doc.links.map((l) => `${l.line}:${l.kind}:${l.target}`)).toEqual([
      '1:autolink:https://x.org',
      '1:inline:b.md',
      '1:image:a.png',
      '2:inline:with space.md',
      '2:inline:e_(1).md',
      '3:html:f.png',
      '4:definition:i.md',
    ])
    expect(doc.undefinedReferences).toEqual([])
  })

  test('skips fences (``` and ~~~, longer closers), code spans, comments and front matter', () => {
    const doc = parseMarkdown(
      [
        '---',
        'x: [a](1.md)',
        '---',
        '````',
        '```',
        '[b](2.md)',
        '````',
        '`[c](3.md)`',
        '<!--',
        '[d](4.md)',
        '-->',
        '~~~',
        '[e](5.md)',
        '~~~',
      ].join('\n'),
    )
    expect(doc.links).toEqual([])
  })

  test('headings: ATX (closing hashes), setext, duplicates numbered, HTML ids', () => {
    const doc = parseMarkdown(
      [
        '# Title #',
        'Setext',
        '===',
        '## Title',
        '- list item',
        '---',
        'para',
        '',
        '---',
        '<div id="Custom"></div>',
      ].join('\n'),
    )
    expect([...doc.anchors]).toEqual(['title', 'setext', 'title-1', 'Custom'])
  })

  test('full and collapsed references without a definition are reported; shortcuts are plain text', () => {
    const doc = parseMarkdown('[a][missing] [b][] [c] [x]\n\n[C]: c.md\n')
    expect(doc.undefinedReferences).toEqual([
      { label: 'missing', line: 1 },
      { label: 'b', line: 1 },
    ])
  })
})

describe('parseMarkdown() edge cases', () => {
  test('front matter without its closing line is ordinary text', () => {
    const doc = parseMarkdown(['---', 'title: x', '[a](b.md)'].join('\n'))
    expect(doc.links).toEqual([{ kind: 'inline', target: 'b.md', line: 3 }])
  })

  test('an empty ATX heading still takes a slug, so a later heading is not renumbered', () => {
    expect([...parseMarkdown('#\n# Title').anchors]).toEqual(['', 'title'])
  })

  test('every definition of a label is a link to check; references resolve to one of them', () => {
    const doc = parseMarkdown(['[u][r]', '[r]: s.md', '[R]: t.md'].join('\n'))
    expect(doc.links.map((l) => `${l.line}:${l.kind}:${l.target}`)).toEqual(['2:definition:s.md', '3:definition:t.md'])
    expect(doc.undefinedReferences).toEqual([])
  })

  test('escaped brackets, spaces after the paren and escaped parens in the destination', () => {
    const doc = parseMarkdown(['[j\\]k](l.md)', '[m](  n.md "t")', '[o](p\\)q.md)'].join('\n'))
    expect(doc.links.map((l) => l.target)).toEqual(['l.md', 'n.md', 'p\\)q.md'])
  })

  test('unclosed brackets, labels and destinations are not links', () => {
    const doc = parseMarkdown(['[c][d', '[e', '[f](<g', '[h](i'].join('\n'))
    expect(doc.links).toEqual([])
    expect(doc.undefinedReferences).toEqual([])
  })

  test('never throws, and every link line is a line of the text (property)', () => {
    const piece = fc.constantFrom(
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '!',
      '`',
      '\\',
      '#',
      ' ',
      '\n',
      'a',
      '.md',
      ':',
      '---',
      '<!--',
      '-->',
      '```',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('')
        const doc = parseMarkdown(text)
        const lines = text.split(/\r?\n/).length
        for (const l of [...doc.links, ...doc.undefinedReferences]) {
          expect(l.line).toBeGreaterThanOrEqual(1)
          expect(l.line).toBeLessThanOrEqual(lines)
        }
      }),
    )
  })
})

describe('parseMarkdown() on real docs', () => {
  test('bracket text that is indexing or a chain is literal text, not an undefined reference', () => {
    const doc = parseMarkdown(
      [
        '- Step 1: Orig tensor A: [A1][A2][A3]',
        'index with x[0][1] or `y` then bl.indexOf(value[, byteOffset][, encoding])',
        'As noted[[1](https://a.example.org/x)][[2](https://b.example.org/y)], scale the rate.',
        'but [see the guide][guide-lnk] is a typo',
        '',
        '[guide-link]: guide.md',
      ].join('\n'),
    )
    expect(doc.undefinedReferences).toEqual([{ label: 'guide-lnk', line: 4 }])
    expect(doc.links.map((l) => l.target)).toEqual(['https://a.example.org/x', 'https://b.example.org/y', 'guide.md'])
  })

  test('headings keep the words of their code spans (GitHub slugs them from the text)', () => {
    const doc = parseMarkdown(
      ['## Configuring `torchao`', '### Base Example (`../nlp_example.py`)', '# `no_sync` hint'].join('\n'),
    )
    expect([...doc.anchors]).toEqual(['configuring-torchao', 'base-example-nlp_examplepy', 'no_sync-hint'])
  })

  test('an HTML link whose tag closes on the next line is still found', () => {
    const doc = parseMarkdown(['<a class="card" href="./tutorials/overview"', '  ><div>Tutorials</div></a>'].join('\n'))
    expect(doc.links).toEqual([{ kind: 'html', target: './tutorials/overview', line: 1 }])
  })
})

describe('parseMarkdown() is linear', () => {
  /** CPU milliseconds of parsing `unit` repeated to `chars` characters, best of 5. */
  function cost(unit: string, chars: number): number {
    const text = unit.repeat(Math.ceil(chars / unit.length))
    let best = Number.POSITIVE_INFINITY
    for (let r = 0; r < 5; r++) {
      const before = process.cpuUsage()
      parseMarkdown(text)
      const used = process.cpuUsage(before)
      best = Math.min(best, (used.user + used.system) / 1000)
    }
    return best
  }

  // 25 KB and 100 KB: linear work grows 4x, the old quadratic scanner grew 16-30x (20 s at 100 KB of `[`).
  test.each(['[', '](', '[](', '[a](', '![', '[a][', '# [', '<a', '<!--', '`a', '[^'])(
    '100 KB of %j costs about 4x 25 KB, not 16x',
    (unit) => {
      // CPU time, not wall time, and the best of three tries: the machine is shared.
      let ratio = Number.POSITIVE_INFINITY
      for (let attempt = 0; attempt < 3 && ratio >= 8; attempt++) {
        ratio = cost(unit, 100_000) / Math.max(cost(unit, 25_000), 0.5)
      }
      expect(ratio).toBeLessThan(8)
    },
  )
})

describe('headingText()', () => {
  test('drops markup the way the rendered heading does', () => {
    expect(headingText('The [`gates`](x.md) **project** ![i](i.png)')).toBe('The gates project')
    expect(headingText('__init__ and snake_case_name')).toBe('init and snake_case_name')
  })

  test('reference links keep their text; tags go, an empty <> stays', () => {
    expect(headingText('See [the guide][guide] and [x][] <kbd>Ctrl</kbd> <> a < b')).toBe(
      'See the guide and x Ctrl <> a < b',
    )
    expect(headingText('[unclosed and [a][b')).toBe('[unclosed and [a][b')
  })

  test('property: the same text as the backtracking regexes it replaces, on any mix of brackets, tags and emphasis', () => {
    const reference = (s: string) =>
      s
        .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/`+/g, '')
        .replace(/(^|[^\p{L}\p{N}])(\*{1,3}|_{1,3})(?=\S)(.*?\S)\2(?=[^\p{L}\p{N}]|$)/gu, '$1$3')
        .trim()
    const text = fc
      .array(fc.constantFrom('!', '[', ']', '(', ')', '<', '>', '`', '*', '_', 'a', ' ', 'é'), { maxLength: 30 })
      .map((xs) => xs.join(''))
    fc.assert(
      fc.property(text, (s) => {
        expect(headingText(s)).toBe(reference(s))
      }),
      { numRuns: 3000 },
    )
  })
})

describe('normalizeLabel()', () => {
  test('is case-insensitive and collapses whitespace', () => {
    expect(normalizeLabel('  Guide\t Ref ')).toBe('guide ref')
  })
})

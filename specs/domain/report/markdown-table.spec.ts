import { describe, expect, test } from 'vitest'
import { escapeMarkdownCell, markdownTable, mdCode } from '../../../src/domain/report/markdown-table.ts'

describe('markdownTable()', () => {
  test('escapes pipes, newlines and markup; aligns numbers when asked', () => {
    expect(
      markdownTable(
        ['name', 'count'],
        [
          ['a | b', 1500],
          ['line 1\nline 2 <img>', null],
          [{ md: mdCode('src/x.ts') }, 2],
        ],
        ['l', 'r'],
      ),
    ).toBe(
      [
        '| name | count |',
        '| --- | ---: |',
        '| a \\| b | 1,500 |',
        '| line 1<br>line 2 &lt;img> |  |',
        '| `src/x.ts` | 2 |',
      ].join('\n'),
    )
  })

  test('mdCode fences backticks with a longer run', () => {
    expect(mdCode('a`b')).toBe('`` a`b ``')
    expect(mdCode('')).toBe('')
    expect(escapeMarkdownCell('\\')).toBe('\\\\')
  })
})

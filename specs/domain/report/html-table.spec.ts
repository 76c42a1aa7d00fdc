import { describe, expect, test } from 'vitest'
import { escapeHtml, rawHtml, slugId } from '../../../src/domain/report/escape-html.ts'
import { htmlTable } from '../../../src/domain/report/html-table.ts'

describe('escapeHtml()', () => {
  test('escapes the five significant characters and renders null as empty', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(42)).toBe('42')
  })
})

describe('slugId()', () => {
  test('makes fragment-safe ids', () => {
    expect(slugId('finding', 'secrets:GitHub Token/src/a.ts')).toBe('finding-secrets-github-token-src-a-ts')
    expect(slugId('q', '***')).toBe('q-x')
  })
})

describe('htmlTable()', () => {
  const rows = [
    { name: '<b>bold</b>', n: 1234.5, badge: 'ok' },
    { name: 'plain', n: null, badge: 'fail' },
  ]
  const table = htmlTable(
    [
      { label: 'name', cell: (r) => r.name },
      { label: 'n', cell: (r) => r.n },
      { label: 'badge', cell: (r) => rawHtml(`<em>${escapeHtml(r.badge)}</em>`) },
    ],
    rows,
    { caption: 'a & b', rowId: (r) => (r.n === null ? undefined : 'row-1') },
  )

  test('escapes text, formats and right-aligns numbers, inserts trusted markup as is', () => {
    expect(table).toBe(
      '<table><caption>a &amp; b</caption><thead><tr><th scope="col">name</th><th scope="col">n</th><th scope="col">badge</th></tr></thead><tbody>' +
        '<tr id="row-1"><td>&lt;b&gt;bold&lt;/b&gt;</td><td class="num">1,235</td><td><em>ok</em></td></tr>' +
        '<tr><td>plain</td><td></td><td><em>fail</em></td></tr></tbody></table>',
    )
  })
})

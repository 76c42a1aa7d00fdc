import { formatNumber } from './format.ts'

/**
 * Escapes text for a Markdown table cell: pipes and newlines, and `<` so no tag can open (`>` and
 * `&` stay as typed, so the raw file reads naturally).
 */
export function escapeMarkdownCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>')
}

/** Escapes text for a Markdown paragraph: `<` so no tag can open. */
export function escapeMarkdownText(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(/</g, '&lt;')
}

/** Inline code: backticks inside are fenced with a longer run. */
export function mdCode(text: string | null | undefined): string {
  if (!text) return ''
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  return longest ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`
}

/**
 * A GitHub-flavoured Markdown table. Cells are escaped unless marked `{ md }` (already Markdown,
 * e.g. inline code built with `mdCode`).
 */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly MdCell[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  const out = [
    line(headers.map(escapeMarkdownCell)),
    line(headers.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'))),
  ]
  for (const row of rows) out.push(line(row.map(cellText)))
  return out.join('\n')
}

export type MdCell = string | number | null | undefined | { md: string }

function cellText(cell: MdCell): string {
  if (cell !== null && typeof cell === 'object') return cell.md.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
  if (typeof cell === 'number') return formatNumber(cell)
  return escapeMarkdownCell(cell)
}

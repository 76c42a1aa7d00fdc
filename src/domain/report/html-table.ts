import { escapeHtml, isRawHtml, type RawHtml } from './escape-html.ts'
import { formatNumber } from './format.ts'

export type CellValue = string | number | null | undefined | RawHtml

export interface Column<Row> {
  label: string
  /** Right-aligns numbers by default; text columns stay left. */
  align?: 'left' | 'right'
  cell: (row: Row) => CellValue
}

export interface HtmlTableOptions<Row> {
  caption?: string
  className?: string
  /** An element id for a row, so it can be linked to (`index.html#id`). */
  rowId?: (row: Row, index: number) => string | undefined
}

/**
 * A plain HTML table: header row, one row per item, every text cell escaped. Readable without
 * CSS or JavaScript; numbers are formatted and right-aligned.
 */
export function htmlTable<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  options: HtmlTableOptions<Row> = {},
): string {
  const out: string[] = []
  out.push(`<table${options.className ? ` class="${escapeHtml(options.className)}"` : ''}>`)
  if (options.caption) out.push(`<caption>${escapeHtml(options.caption)}</caption>`)
  out.push('<thead><tr>')
  for (const column of columns) out.push(`<th scope="col"${alignAttr(column.align)}>${escapeHtml(column.label)}</th>`)
  out.push('</tr></thead><tbody>')
  rows.forEach((row, index) => {
    const id = options.rowId?.(row, index)
    out.push(id ? `<tr id="${escapeHtml(id)}">` : '<tr>')
    for (const column of columns) {
      const value = column.cell(row)
      const align = column.align ?? (typeof value === 'number' ? 'right' : undefined)
      out.push(`<td${alignAttr(align)}>${cellHtml(value)}</td>`)
    }
    out.push('</tr>')
  })
  out.push('</tbody></table>')
  return out.join('')
}

function cellHtml(value: CellValue): string {
  if (isRawHtml(value)) return value.html
  if (typeof value === 'number') return escapeHtml(formatNumber(value))
  return escapeHtml(value ?? '')
}

function alignAttr(align: 'left' | 'right' | undefined): string {
  return align === 'right' ? ' class="num"' : ''
}

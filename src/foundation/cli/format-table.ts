export type TableCell = string | number | boolean | null | undefined
export type TableRow = Record<string, TableCell>

/** Renders rows as a plain-text table: header, rule, one line per row, columns aligned. */
export function formatTable(rows: readonly TableRow[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(none)'
  const headers = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cells = rows.map((r) => headers.map((h) => formatCell(r[h])))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  return [line([...headers]), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

function formatCell(value: TableCell): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value)
    return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3)
  }
  return String(value).replace(/\s*\n\s*/g, ' ⏎ ')
}

// Builds nbformat 4 notebooks the way Jupyter writes them (one-space indent, sources as lists of
// lines), so the specs read realistic files without committing any.

export interface CellSpec {
  type?: 'code' | 'markdown' | 'raw'
  source: string | string[]
  outputs?: object[]
  count?: number | null
  metadata?: object
}

/** Splits text into nbformat's list of lines, each keeping its `\n`. */
export function lines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((l) => l !== '')
}

/** A notebook's JSON text. */
export function notebookJson(cells: CellSpec[], metadata: object = {}): string {
  const nb = {
    cells: cells.map((c, i) => {
      const type = c.type ?? 'code'
      const base = {
        cell_type: type,
        id: `cell-${i}`,
        metadata: c.metadata ?? {},
        source: typeof c.source === 'string' ? c.source : c.source,
      }
      return type === 'code' ? { ...base, execution_count: c.count ?? null, outputs: c.outputs ?? [] } : base
    }),
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
      ...metadata,
    },
    nbformat: 4,
    nbformat_minor: 5,
  }
  return `${JSON.stringify(nb, null, 1)}\n`
}

/** A stream output. */
export function stream(text: string): object {
  return { name: 'stdout', output_type: 'stream', text: lines(text) }
}

/** A PNG display output of `bytes` decoded bytes (base64, wrapped like Jupyter does not). */
export function png(bytes: number): object {
  return {
    data: { 'image/png': Buffer.alloc(bytes, 7).toString('base64'), 'text/plain': ['<Figure>'] },
    metadata: {},
    output_type: 'display_data',
  }
}

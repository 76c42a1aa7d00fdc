import { isNotebookPath } from './notebook-path.ts'
import { type MappedText, type Notebook, NotebookFormatError, readNotebook } from './read-notebook.ts'

export { isNotebookPath }

/** Where a line of a notebook chunk is: the `.ipynb` line and a readable `cell N:line M`. */
export interface NotebookLocation {
  /** 1-based line of the `.ipynb` file (its JSON text). */
  line: number
  /** `cell 3:line 2`, or `cell 3:output 1:line 2` for output text. */
  locator: string
}

/** One piece of a notebook that the text scanners read on its own. */
export interface NotebookChunk {
  kind: 'source' | 'output'
  /** 1-based cell number. */
  cell: number
  /** The cell type: `code`, `markdown`, `raw`. */
  cellType: string
  /**
   * A file name for the text, so extension-based rules apply: `cell.py` for Python code,
   * `cell.md` for Markdown, `cell.sh` for a `%%bash` cell, `output.log` for outputs.
   */
  name: string
  text: string
  /** Maps a 1-based line of `text` to the notebook location. */
  locate(line: number): NotebookLocation
}

/**
 * The notebook as separately scannable texts: each cell's source and each text output (stream,
 * `text/*` and JSON data, tracebacks); images are left out. Undefined when the text is not an
 * nbformat 4 notebook, so callers can fall back to reading it as plain text.
 */
export function notebookChunks(text: string): NotebookChunk[] | undefined {
  let notebook: Notebook
  try {
    notebook = readNotebook(text)
  } catch (error) {
    if (error instanceof NotebookFormatError) return undefined
    throw error
  }
  const chunks: NotebookChunk[] = []
  for (const cell of notebook.cells) {
    chunks.push({
      kind: 'source',
      cell: cell.index,
      cellType: cell.type,
      name: sourceName(cell.type, cell.source.text, notebook.language),
      text: cell.source.text,
      locate: locator(cell.source, `cell ${cell.index}`),
    })
    for (const output of cell.outputs) {
      for (const part of output.texts) {
        chunks.push({
          kind: 'output',
          cell: cell.index,
          cellType: cell.type,
          name: 'output.log',
          text: part.text.text,
          locate: locator(part.text, `cell ${cell.index}:output ${output.index}`),
        })
      }
    }
  }
  return chunks
}

// --- internal ---

const LANGUAGE_EXTENSIONS: Record<string, string> = {
  python: '.py',
  python3: '.py',
  r: '.r',
  julia: '.jl',
  javascript: '.js',
  typescript: '.ts',
  bash: '.sh',
  sh: '.sh',
  scala: '.scala',
}

/** Cell magics that switch the language: `%%bash`, `%%sh`, `%%writefile x.yaml`, `%%html`. */
const CELL_MAGIC = /^%%(\w+)(?:[ \t]+(\S+))?/

function sourceName(type: string, source: string, language: string): string {
  if (type === 'markdown') return 'cell.md'
  if (type !== 'code') return 'cell.txt'
  const magic = CELL_MAGIC.exec(source.trimStart())
  if (magic) {
    if (magic[1] === 'writefile' && magic[2]) return `cell-${magic[2].split('/').pop()}`
    if (magic[1] === 'bash' || magic[1] === 'sh' || magic[1] === 'script') return 'cell.sh'
    if (magic[1] === 'capture' || magic[1] === 'time' || magic[1] === 'timeit') {
      return `cell${LANGUAGE_EXTENSIONS[language] ?? '.txt'}`
    }
    return `cell.${magic[1]}`
  }
  return `cell${LANGUAGE_EXTENSIONS[language] ?? '.txt'}`
}

function locator(mapped: MappedText, prefix: string): (line: number) => NotebookLocation {
  const last = mapped.jsonLines[mapped.jsonLines.length - 1] ?? 1
  return (line) => ({ line: mapped.jsonLines[line - 1] ?? last, locator: `${prefix}:line ${line}` })
}

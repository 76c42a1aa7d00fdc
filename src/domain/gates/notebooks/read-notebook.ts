import { type JsonWithLines, parseJsonWithLines } from './parse-json-lines.ts'

/** Text with the `.ipynb` line (1-based) each of its lines comes from. */
export interface MappedText {
  text: string
  /** `jsonLines[k]`: the file line holding line k + 1 of `text`. */
  jsonLines: number[]
}

/** An embedded image (or PDF) in an output: its MIME type and decoded size. */
export interface NotebookImage {
  mime: string
  bytes: number
}

export interface NotebookOutput {
  /** 1-based position among the cell's outputs. */
  index: number
  /** `stream`, `execute_result`, `display_data`, `error`. */
  type: string
  /** The file line where the output starts. */
  jsonLine: number
  executionCount: number | null
  /** Its text parts: stream text, `text/*` and JSON data, an error's traceback; by name. */
  texts: { name: string; text: MappedText }[]
  images: NotebookImage[]
  /** Characters of all its strings, images included (nbstripout's measure of an output's size). */
  chars: number
}

export interface NotebookCell {
  /** 1-based position in the notebook. */
  index: number
  /** `code`, `markdown`, `raw`. */
  type: string
  /** The file line where the cell starts. */
  jsonLine: number
  source: MappedText
  executionCount: number | null
  outputs: NotebookOutput[]
  /** nbstripout's exceptions: `keep_output` or `init_cell` in the metadata, or a `keep_output` tag. */
  keepOutput: boolean
}

export interface Notebook {
  nbformat: number
  /** The kernel's language (`python` when the notebook does not say). */
  language: string
  /** Notebook-wide `metadata.keep_output` (nbstripout honours it). */
  keepOutput: boolean
  cells: NotebookCell[]
}

/** Why a file is not a notebook this reader understands. */
export class NotebookFormatError extends Error {}

/**
 * Reads an nbformat 4 notebook: cell sources and output texts with the `.ipynb` line of every
 * line (`source` and text fields as one string or a list of lines), execution counts, and
 * images with their decoded sizes. Throws NotebookFormatError for invalid JSON or another format.
 */
export function readNotebook(text: string): Notebook {
  let parsed: JsonWithLines
  try {
    parsed = parseJsonWithLines(text)
  } catch (error) {
    throw new NotebookFormatError(`not valid JSON: ${(error as Error).message}`)
  }
  const root = parsed.value
  if (!isObject(root)) throw new NotebookFormatError('the top level is not a JSON object')
  const nbformat = typeof root.nbformat === 'number' ? root.nbformat : 0
  if (nbformat !== 4 || !Array.isArray(root.cells)) {
    throw new NotebookFormatError(
      `nbformat ${root.nbformat ?? '(missing)'} is not supported: only nbformat 4 (with a cells list) is read`,
    )
  }
  const metadata = isObject(root.metadata) ? root.metadata : {}
  const kernelspec = isObject(metadata.kernelspec) ? metadata.kernelspec : {}
  const languageInfo = isObject(metadata.language_info) ? metadata.language_info : {}
  const language = String(kernelspec.language ?? languageInfo.name ?? 'python').toLowerCase()
  const cellLines = parsed.elementLines.get(root.cells) ?? []
  const cells: NotebookCell[] = root.cells.map((cell, i) => readCell(cell, i, cellLines[i] ?? 1, parsed))
  return { nbformat, language, keepOutput: metadata.keep_output === true, cells }
}

/** Decoded size of base64 text; line breaks (`\n`, `\r\n`) are ignored, found with indexOf, not copied. */
export function base64Bytes(data: string): number {
  let breaks = 0
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) breaks++
  for (let i = data.indexOf('\r'); i !== -1; i = data.indexOf('\r', i + 1)) breaks++
  let end = data.length
  while (end > 0 && (data[end - 1] === '\n' || data[end - 1] === '\r')) end--
  const padding = data[end - 1] === '=' ? (data[end - 2] === '=' ? 2 : 1) : 0
  return Math.max(0, Math.floor(((data.length - breaks) * 3) / 4) - padding)
}

// --- internal ---

type Json = Record<string, unknown>

const IMAGE_MIME = /^(?:image\/|application\/pdf$)/

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readCell(cell: unknown, i: number, jsonLine: number, parsed: JsonWithLines): NotebookCell {
  const c = isObject(cell) ? cell : {}
  const members = parsed.memberLines.get(c)
  const metadata = isObject(c.metadata) ? c.metadata : {}
  const tags = Array.isArray(metadata.tags) ? metadata.tags : []
  const outputs = Array.isArray(c.outputs) ? c.outputs : []
  const outputLines = parsed.elementLines.get(outputs) ?? []
  return {
    index: i + 1,
    type: typeof c.cell_type === 'string' ? c.cell_type : 'unknown',
    jsonLine,
    source: multiline(c.source, members?.get('source') ?? jsonLine, parsed),
    executionCount: typeof c.execution_count === 'number' ? c.execution_count : null,
    outputs: outputs.map((o, k) => readOutput(o, k, outputLines[k] ?? jsonLine, parsed)),
    keepOutput: metadata.keep_output === true || metadata.init_cell === true || tags.includes('keep_output'),
  }
}

function readOutput(output: unknown, k: number, jsonLine: number, parsed: JsonWithLines): NotebookOutput {
  const o = isObject(output) ? output : {}
  const members = parsed.memberLines.get(o)
  const texts: NotebookOutput['texts'] = []
  const images: NotebookImage[] = []
  if (o.text !== undefined)
    texts.push({ name: 'text', text: multiline(o.text, members?.get('text') ?? jsonLine, parsed) })
  const data = isObject(o.data) ? o.data : {}
  const dataLines = parsed.memberLines.get(data)
  for (const [mime, value] of Object.entries(data)) {
    const line = dataLines?.get(mime) ?? jsonLine
    if (IMAGE_MIME.test(mime) && mime !== 'image/svg+xml') {
      images.push({ mime, bytes: base64Bytes(flatten(value)) })
    } else if (mime === 'image/svg+xml') {
      images.push({ mime, bytes: Buffer.byteLength(flatten(value)) })
    } else if (mime.startsWith('text/')) {
      texts.push({ name: mime, text: multiline(value, line, parsed) })
    } else if (mime === 'application/json') {
      texts.push({ name: mime, text: { text: JSON.stringify(value), jsonLines: [line] } })
    }
  }
  if (o.output_type === 'error') {
    const header = `${String(o.ename ?? '')}: ${String(o.evalue ?? '')}`
    const traceback = multiline(o.traceback, members?.get('traceback') ?? jsonLine, parsed, '\n')
    texts.push({
      name: 'traceback',
      text: {
        text: `${header}\n${traceback.text}`,
        jsonLines: [members?.get('evalue') ?? jsonLine, ...traceback.jsonLines],
      },
    })
  }
  return {
    index: k + 1,
    type: typeof o.output_type === 'string' ? o.output_type : 'unknown',
    jsonLine,
    executionCount: typeof o.execution_count === 'number' ? o.execution_count : null,
    texts,
    images,
    chars: stringChars(o),
  }
}

/**
 * nbformat's multiline string: one string, or a list of strings joined as they are (each usually
 * ending in `\n`; `separator` for lists that are lines without their breaks, like tracebacks).
 */
function multiline(value: unknown, line: number, parsed: JsonWithLines, separator = ''): MappedText {
  if (typeof value === 'string') return { text: value, jsonLines: value.split('\n').map(() => line) }
  if (!Array.isArray(value)) return { text: '', jsonLines: [line] }
  const elementLines = parsed.elementLines.get(value) ?? []
  const jsonLines: number[] = []
  let text = ''
  let open = false // the current text line has started
  value.forEach((element, k) => {
    const piece = `${typeof element === 'string' ? element : ''}${k < value.length - 1 ? separator : ''}`
    const at = elementLines[k] ?? line
    if (!open) {
      jsonLines.push(at)
      open = true
    }
    for (let p = piece.indexOf('\n'); p !== -1; p = piece.indexOf('\n', p + 1)) {
      if (p < piece.length - 1) jsonLines.push(at)
      else open = false
    }
    text += piece
  })
  if (!open) jsonLines.push(elementLines[value.length - 1] ?? line)
  return { text, jsonLines }
}

function flatten(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : ''
}

function stringChars(value: unknown): number {
  if (typeof value === 'string') return value.length
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + stringChars(v), 0)
  if (isObject(value)) return Object.values(value).reduce((n: number, v) => n + stringChars(v), 0)
  return String(value).length
}

import { createReadStream } from 'node:fs'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { UserError } from '../../foundation/errors/user-error.ts'

/** One parsed line of a JSONL file, with where it came from. */
export interface JsonlRecord {
  /** 1-based line number. */
  line: number
  /** Byte offset of the line's first byte in the file. */
  offset: number
  /** The line's bytes, without its newline (a trailing CR is dropped from `text`, counted here). */
  bytes: number
  /** The line as text (CR stripped). */
  text: string
  value: unknown
}

/** A line that failed to parse or validate. */
export interface InvalidLine {
  file: string
  line: number
  /** JSON pointer of the first offending field (`/completion`), or `(json)` when the line is not JSON. */
  field: string
  /** Every problem on the line, `<field>: <message>` joined by `; `. */
  message: string
}

export interface JsonlReaderOptions {
  /** An ajv validator (compile with `allErrors: true` to see every problem of a line). */
  validate?: ValidateFunction
  /** Count, report through `onInvalid` and skip bad lines instead of throwing (default false). */
  skipInvalid?: boolean
  /** Called for each skipped line (default: a line on stderr). */
  onInvalid?: (invalid: InvalidLine) => void
  /** Read size in bytes (default 1 MiB). */
  chunkBytes?: number
}

/** Counts filled in while a reader is iterated. */
export interface JsonlStats {
  lines: number
  blank: number
  valid: number
  invalid: number
  bytes: number
}

/**
 * Streams a JSONL file line by line (the file never has to fit in memory), parsing and
 * validating each record. A bad line throws a UserError `file:line field: message`, or with
 * `skipInvalid` is counted, reported and skipped. Blank lines are skipped and counted.
 */
export class JsonlReader implements AsyncIterable<JsonlRecord> {
  readonly path: string
  readonly stats: JsonlStats = { lines: 0, blank: 0, valid: 0, invalid: 0, bytes: 0 }
  private readonly options: JsonlReaderOptions

  constructor(path: string, options: JsonlReaderOptions = {}) {
    this.path = path
    this.options = options
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<JsonlRecord> {
    for await (const { line, offset, bytes, text, end } of readLines(this.path, this.options.chunkBytes)) {
      this.stats.lines = line
      this.stats.bytes = end
      if (!NON_BLANK.test(text)) {
        this.stats.blank++
        continue
      }
      const checked = this.check(text, line)
      if ('field' in checked) {
        const invalid = checked
        this.stats.invalid++
        if (!this.options.skipInvalid) {
          throw new UserError(
            'DATA_INVALID_RECORD',
            `${invalid.file}:${invalid.line} ${invalid.message}`,
            'fix the record, or count and skip invalid records: `npm run train -- prepare --skip-invalid` or "skip_invalid": true in the dataset config',
          )
        }
        ;(this.options.onInvalid ?? logInvalid)(invalid)
        continue
      }
      this.stats.valid++
      yield { line, offset, bytes, text, value: checked.value }
    }
  }

  private check(text: string, line: number): InvalidLine | { value: unknown } {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      const reason = (error as Error).message
      return { file: this.path, line, field: '(json)', message: `(json): not valid JSON: ${reason}` }
    }
    const validate = this.options.validate
    if (validate && !validate(value)) {
      const problems = (validate.errors ?? []).map(describeError)
      const first = problems[0]
      return {
        file: this.path,
        line,
        field: first?.field ?? '/',
        message: problems.map((p) => `${p.field}: ${p.message}`).join('; ') || '/: does not match the schema',
      }
    }
    return { value }
  }
}

/**
 * Raw lines of a file with 1-based numbers, byte offsets and sizes (without the newline; `end` is
 * where the next line starts). A trailing CR and a UTF-8 BOM are left out of `text` only.
 */
export async function* readLines(
  path: string,
  chunkBytes = 1 << 20,
): AsyncGenerator<{ line: number; offset: number; bytes: number; text: string; end: number }> {
  const stream = createReadStream(path, { highWaterMark: chunkBytes })
  let carry: Buffer | undefined
  let carryOffset = 0
  let line = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = chunk
      let base = carryOffset
      if (carry) {
        buf = Buffer.concat([carry, chunk])
        carry = undefined
      }
      let start = 0
      let nl = buf.indexOf(10, start)
      while (nl !== -1) {
        line++
        yield {
          line,
          offset: base + start,
          bytes: nl - start,
          text: decodeLine(buf, start, nl, line),
          end: base + nl + 1,
        }
        start = nl + 1
        nl = buf.indexOf(10, start)
      }
      base += start
      if (start < buf.length) carry = buf.subarray(start)
      carryOffset = base
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new UserError('DATA_FILE', `cannot read ${path}: ${code}`, 'check the "source" path in the dataset config')
    }
    throw error
  }
  if (carry && carry.length > 0) {
    line++
    const text = decodeLine(carry, 0, carry.length, line)
    yield { line, offset: carryOffset, bytes: carry.length, text, end: carryOffset + carry.length }
  }
}

// --- internal ---

const NON_BLANK = /\S/

function decodeLine(buf: Buffer, start: number, end: number, line: number): string {
  let s = start
  let e = end
  if (line === 1 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3
  if (e > s && buf[e - 1] === 13) e--
  return buf.toString('utf8', s, e)
}

function describeError(error: ErrorObject): { field: string; message: string } {
  const params = error.params as Record<string, unknown>
  let field = error.instancePath || '/'
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    field = `${error.instancePath}/${params.missingProperty}`
    return { field, message: 'is required' }
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    field = `${error.instancePath}/${params.additionalProperty}`
    return { field, message: 'is not allowed by the schema' }
  }
  return { field, message: error.message ?? error.keyword }
}

function logInvalid(invalid: InvalidLine): void {
  process.stderr.write(`skipped ${invalid.file}:${invalid.line} ${invalid.message}\n`)
}

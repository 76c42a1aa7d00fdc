/**
 * Python's `json` module as check-json and pretty-format-json use it (CPython 3.11's C scanner):
 * the same accepted documents (NaN, Infinity, -Infinity; no trailing commas; control characters
 * in strings refused), the same error messages with Python's `line L column C (char P)` positions
 * counted in code points, object pairs handed to a hook as each object closes (check-json refuses
 * duplicate keys there), and `json.dumps` output (indent, ensure_ascii, int/float repr).
 */
export class PythonJsonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PythonJsonError'
  }
}

/** A JSON value as Python holds it: ints stay exact (bigint), floats are doubles, objects keep their pairs. */
export type PyJson =
  | null
  | boolean
  | string
  | { int: bigint }
  | { float: number }
  | PyJson[]
  | { pairs: [string, PyJson][] }

/** Called with an object's pairs when it closes; may throw (as `object_pairs_hook` may raise ValueError). */
export type PairsHook = (pairs: [string, PyJson][]) => [string, PyJson][]

/** `json.loads(text, object_pairs_hook=hook)` on a str: throws PythonJsonError with Python's message. */
export function pythonJsonLoads(text: string, hook: PairsHook = (p) => p): PyJson {
  if (text.startsWith('\ufeff')) throw errorAt('Unexpected UTF-8 BOM (decode using utf-8-sig)', text, 0)
  return new Scanner(text, hook).document()
}

/**
 * `json.load(f)` on a file opened in binary mode: the encoding sniffed as Python's
 * `detect_encoding` does (a UTF-8 BOM is skipped; UTF-16 by BOM or zero bytes), then loads.
 */
export function pythonJsonLoadBytes(bytes: Uint8Array, hook?: PairsHook): PyJson {
  return pythonJsonLoads(decodeJsonBytes(bytes), hook)
}

export interface DumpsOptions {
  /** Spaces (a number) or the indent string itself; Python's `indent`. */
  indent: number | string
  ensureAscii: boolean
}

/** `json.dumps(value, indent=…, ensure_ascii=…)` with `(',', ': ')` separators as Python uses under indent. */
export function pythonJsonDumps(value: PyJson, options: DumpsOptions): string {
  const unit = typeof options.indent === 'number' ? ' '.repeat(Math.max(0, options.indent)) : options.indent
  const enc = options.ensureAscii ? encodeAscii : encodeUnicode
  const walk = (v: PyJson, level: number): string => {
    if (v === null) return 'null'
    if (v === true) return 'true'
    if (v === false) return 'false'
    if (typeof v === 'string') return enc(v)
    const inner = `\n${unit.repeat(level + 1)}`
    const outer = `\n${unit.repeat(level)}`
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]'
      return `[${inner}${v.map((x) => walk(x, level + 1)).join(`,${inner}`)}${outer}]`
    }
    if ('int' in v) return v.int.toString()
    if ('float' in v) return floatRepr(v.float)
    const pairs = dedupe(v.pairs)
    if (pairs.length === 0) return '{}'
    return `{${inner}${pairs.map(([k, x]) => `${enc(k)}: ${walk(x, level + 1)}`).join(`,${inner}`)}${outer}}`
  }
  return walk(value, 0)
}

/** `dict(pairs)`: a repeated key keeps its first position and its last value. */
export function dedupe(pairs: readonly [string, PyJson][]): [string, PyJson][] {
  const index = new Map<string, number>()
  const out: [string, PyJson][] = []
  for (const [k, v] of pairs) {
    const at = index.get(k)
    if (at === undefined) {
      index.set(k, out.length)
      out.push([k, v])
    } else {
      out[at] = [k, v]
    }
  }
  return out
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Number.POSITIVE_INFINITY) return 'Infinity'
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mant, expPart] = Math.abs(x).toExponential().split('e') as [string, string]
  const digits = mant.replace('.', '')
  const exp = Number(expPart)
  const sign = x < 0 ? '-' : ''
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
  const frac = digits.slice(exp + 1)
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`
}

/** Code-point order, as Python compares str (JavaScript's `<` compares UTF-16 units). */
export function comparePyStr(a: string, b: string): number {
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1
    const d = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number)
    if (d !== 0) return d
  }
}

// --- internal ---

function errorAt(msg: string, s: string, pos: number): PythonJsonError {
  const before = s.slice(0, pos)
  const cpPos = [...before].length
  const lineno = before.split('\n').length
  const lastNl = before.lastIndexOf('\n')
  const colno = [...before.slice(lastNl + 1)].length + 1
  return new PythonJsonError(`${msg}: line ${lineno} column ${colno} (char ${cpPos})`)
}

class StopIteration {
  constructor(readonly idx: number) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y
const WS = /[ \t\n\r]*/y

class Scanner {
  constructor(
    private readonly s: string,
    private readonly hook: PairsHook,
  ) {}

  private ws(idx: number): number {
    WS.lastIndex = idx
    WS.exec(this.s)
    return WS.lastIndex
  }

  document(): PyJson {
    const start = this.ws(0)
    let value: PyJson
    let end: number
    try {
      ;[value, end] = this.value(start)
    } catch (e) {
      if (e instanceof StopIteration) throw errorAt('Expecting value', this.s, e.idx)
      throw e
    }
    end = this.ws(end)
    if (end !== this.s.length) throw errorAt('Extra data', this.s, end)
    return value
  }

  private value(idx: number): [PyJson, number] {
    const s = this.s
    const c = s[idx]
    if (c === undefined) throw new StopIteration(idx)
    if (c === '"') return this.string(idx + 1)
    if (c === '{') return this.object(idx + 1)
    if (c === '[') return this.array(idx + 1)
    if (c === 'n' && s.startsWith('null', idx)) return [null, idx + 4]
    if (c === 't' && s.startsWith('true', idx)) return [true, idx + 4]
    if (c === 'f' && s.startsWith('false', idx)) return [false, idx + 5]
    if (c === 'N' && s.startsWith('NaN', idx)) return [{ float: Number.NaN }, idx + 3]
    if (c === 'I' && s.startsWith('Infinity', idx)) return [{ float: Number.POSITIVE_INFINITY }, idx + 8]
    if (c === '-' && s.startsWith('-Infinity', idx)) return [{ float: Number.NEGATIVE_INFINITY }, idx + 9]
    NUMBER.lastIndex = idx
    const m = NUMBER.exec(s)
    if (m) {
      const end = idx + m[0].length
      if (m[1] !== undefined || m[2] !== undefined) return [{ float: Number(m[0]) }, end]
      return [{ int: BigInt(m[0]) }, end]
    }
    throw new StopIteration(idx)
  }

  private string(end: number): [string, number] {
    const s = this.s
    const begin = end - 1
    let out = ''
    for (;;) {
      let i = end
      while (i < s.length) {
        const code = s.charCodeAt(i)
        if (code === 0x22 || code === 0x5c || code <= 0x1f) break
        i++
      }
      out += s.slice(end, i)
      if (i >= s.length) throw errorAt('Unterminated string starting at', s, begin)
      const c = s[i] as string
      if (c === '"') return [out, i + 1]
      if (c !== '\\') throw errorAt('Invalid control character at', s, i)
      const esc = s[i + 1]
      if (esc === undefined) throw errorAt('Unterminated string starting at', s, begin)
      if (esc !== 'u') {
        const ch = SIMPLE_ESCAPES[esc]
        if (ch === undefined) throw errorAt('Invalid \\escape', s, i)
        out += ch
        end = i + 2
        continue
      }
      let uni = this.hex4(i + 2)
      end = i + 6
      if (uni >= 0xd800 && uni <= 0xdbff && s[end] === '\\' && s[end + 1] === 'u') {
        const uni2 = this.hex4(end + 2)
        if (uni2 >= 0xdc00 && uni2 <= 0xdfff) {
          uni = 0x10000 + (((uni - 0xd800) << 10) | (uni2 - 0xdc00))
          end += 6
        }
      }
      out += String.fromCodePoint(uni)
    }
  }

  private hex4(at: number): number {
    const hex = this.s.slice(at, at + 4)
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw errorAt('Invalid \\uXXXX escape', this.s, at - 1)
    return Number.parseInt(hex, 16)
  }

  private object(start: number): [PyJson, number] {
    const s = this.s
    const pairs: [string, PyJson][] = []
    let idx = this.ws(start)
    if (s[idx] !== '}') {
      for (;;) {
        if (s[idx] !== '"') throw errorAt('Expecting property name enclosed in double quotes', s, idx)
        const [key, afterKey] = this.string(idx + 1)
        idx = this.ws(afterKey)
        if (s[idx] !== ':') throw errorAt("Expecting ':' delimiter", s, idx)
        idx = this.ws(idx + 1)
        const [val, afterVal] = this.value(idx)
        pairs.push([key, val])
        idx = this.ws(afterVal)
        if (s[idx] === '}') break
        if (s[idx] !== ',') throw errorAt("Expecting ',' delimiter", s, idx)
        idx = this.ws(idx + 1)
      }
    }
    return [{ pairs: this.hook(pairs) }, idx + 1]
  }

  private array(start: number): [PyJson, number] {
    const s = this.s
    const items: PyJson[] = []
    let idx = this.ws(start)
    if (s[idx] !== ']') {
      for (;;) {
        const [val, after] = this.value(idx)
        items.push(val)
        idx = this.ws(after)
        if (s[idx] === ']') break
        if (s[idx] !== ',') throw errorAt("Expecting ',' delimiter", s, idx)
        idx = this.ws(idx + 1)
      }
    }
    return [items, idx + 1]
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

const SHORT: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

function u4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`
}

function encodeAscii(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    const code = s.charCodeAt(i)
    out += SHORT[c] ?? (code >= 0x20 && code <= 0x7e ? c : u4(code))
  }
  return `${out}"`
}

function encodeUnicode(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    const code = s.charCodeAt(i)
    out += SHORT[c] ?? (code <= 0x1f ? u4(code) : c)
  }
  return `${out}"`
}

/** Python's `json.detect_encoding` + decode; a decode error carries Python's codec message. */
function decodeJsonBytes(b: Uint8Array): string {
  let encoding = 'utf-8'
  let skip = 0
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x)
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0xff, 0xfe, 0x00, 0x00)) encoding = 'utf-32'
  else if (starts(0xfe, 0xff)) [encoding, skip] = ['utf-16be', 2]
  else if (starts(0xff, 0xfe)) [encoding, skip] = ['utf-16le', 2]
  else if (starts(0xef, 0xbb, 0xbf)) skip = 3
  else if (b.length >= 4) {
    if (!b[0]) encoding = b[1] ? 'utf-16be' : 'utf-32'
    else if (!b[1]) encoding = b[2] || b[3] ? 'utf-16le' : 'utf-32'
  } else if (b.length === 2) {
    if (!b[0]) encoding = 'utf-16be'
    else if (!b[1]) encoding = 'utf-16le'
  }
  if (encoding === 'utf-32') throw new PythonJsonError('UTF-32 JSON is not supported by the native check')
  const body = b.subarray(skip)
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body)
  } catch {
    // json.loads decodes with 'surrogatepass': a lone surrogate's three UTF-8 bytes are read as it.
    if (encoding === 'utf-8') {
      const text = decodeSurrogatePass(body)
      if (text !== undefined) return text
    }
    throw new PythonJsonError(utf8DecodeMessage(body, encoding, true))
  }
}

/** UTF-8 with encoded surrogates (`ED A0–BF 80–BF`) allowed, as Python's 'surrogatepass'; undefined when still invalid. */
function decodeSurrogatePass(b: Uint8Array): string | undefined {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  let out = ''
  let from = 0
  try {
    for (let i = 0; i + 2 < b.length; i++) {
      const [x, y, z] = [b[i] as number, b[i + 1] as number, b[i + 2] as number]
      if (x !== 0xed || y < 0xa0 || y > 0xbf || z < 0x80 || z > 0xbf) continue
      out += strict.decode(b.subarray(from, i)) + String.fromCharCode(0xd000 | ((y & 0x3f) << 6) | (z & 0x3f))
      from = i + 3
      i += 2
    }
    return out + strict.decode(b.subarray(from))
  } catch {
    return undefined
  }
}

/**
 * Python's UnicodeDecodeError text for the first bad UTF-8 sequence (other codecs: a generic one);
 * `surrogatePass` (json.loads' error handler) lets encoded surrogates through.
 */
export function utf8DecodeMessage(b: Uint8Array, encoding = 'utf-8', surrogatePass = false): string {
  if (encoding !== 'utf-8')
    return `'${encoding.replace('be', '-be').replace('le', '-le')}' codec can't decode the bytes`
  for (let i = 0; i < b.length; ) {
    const x = b[i] as number
    const need =
      x < 0x80 ? 0 : x >= 0xc2 && x <= 0xdf ? 1 : x >= 0xe0 && x <= 0xef ? 2 : x >= 0xf0 && x <= 0xf4 ? 3 : -1
    const hex = `0x${x.toString(16).padStart(2, '0')}`
    if (need < 0) return `'utf-8' codec can't decode byte ${hex} in position ${i}: invalid start byte`
    const y1 = b[i + 1] as number
    if (surrogatePass && x === 0xed && y1 >= 0xa0 && y1 <= 0xbf) {
      // The strict decoder stops at ED; the handler takes the three bytes only when all are there.
      const z = b[i + 2]
      if (z === undefined || z < 0x80 || z > 0xbf)
        return `'utf-8' codec can't decode byte ${hex} in position ${i}: invalid continuation byte`
      i += 3
      continue
    }
    for (let k = 1; k <= need; k++) {
      const y = b[i + k]
      const lo = k === 1 ? (x === 0xe0 ? 0xa0 : x === 0xf0 ? 0x90 : 0x80) : 0x80
      const hi = k === 1 ? (x === 0xed ? 0x9f : x === 0xf4 ? 0x8f : 0xbf) : 0xbf
      if (y !== undefined && y >= lo && y <= hi) continue
      const where = k === 1 ? `byte ${hex} in position ${i}` : `bytes in position ${i}-${i + k - 1}`
      return `'utf-8' codec can't decode ${where}: ${y === undefined ? 'unexpected end of data' : 'invalid continuation byte'}`
    }
    i += need + 1
  }
  return "'utf-8' codec can't decode the bytes"
}

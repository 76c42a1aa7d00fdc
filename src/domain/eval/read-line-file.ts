import { readFileSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'

const BOM = [0xef, 0xbb, 0xbf] as const

/**
 * Lines of a UTF-8 text file, one segment per line: split on LF, a trailing CR dropped, the empty
 * string after a final newline not counted (so `a\nb\n` has 2 lines, as `wc -l` and sacreBLEU see it).
 * A leading UTF-8 byte-order mark is dropped (Python's `utf-8-sig`; Notepad writes one). A file
 * that holds a NUL byte (binary, or UTF-16) or bytes that are not UTF-8 is refused with the line
 * and byte offset: decoding it would score U+FFFD replacement characters instead of the text.
 */
export function readLineFile(path: string, flag: string): string[] {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(
      'EVAL_FILE',
      `${flag} ${path}: cannot read it (${code})`,
      code === 'EISDIR' ? `${flag} takes a text file, not a folder` : 'check the path',
    )
  }
  const text = decodeText(bytes, flag, path)
  if (text.length === 0) return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
}

/** `bytes` of `path` as text without a leading BOM; a UserError naming the flag, file, line and byte offset when it is not UTF-8 text. */
export function decodeText(bytes: Uint8Array, flag: string, path: string): string {
  const where = `${flag} ${path}`
  const start = BOM.every((b, i) => bytes[i] === b) ? BOM.length : 0
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new UserError(
      'EVAL_ENCODING',
      `${where}: UTF-16 text (byte-order mark ${bytes[0] === 0xff ? 'FF FE' : 'FE FF'} at byte 0), expected UTF-8`,
      `convert it, e.g. iconv -f UTF-16 -t UTF-8 ${path} > out.txt`,
    )
  }
  const nul = bytes.indexOf(0, start)
  if (nul !== -1) {
    throw new UserError(
      'EVAL_BINARY',
      `${where}: a NUL byte at line ${lineAt(bytes, nul)} (byte offset ${nul}): a binary file, not line-aligned text`,
      'pass the UTF-8 text file with one segment per line',
    )
  }
  const bad = invalidUtf8At(bytes, start)
  if (bad !== -1) {
    throw new UserError(
      'EVAL_ENCODING',
      `${where}: not valid UTF-8 at line ${lineAt(bytes, bad)} (byte offset ${bad}, byte 0x${(bytes[bad] as number).toString(16).toUpperCase().padStart(2, '0')})`,
      `save it as UTF-8, e.g. iconv -f LATIN1 -t UTF-8 ${path} > out.txt if it is Latin-1`,
    )
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('utf8')
}

// --- internal ---

/** 1-based line of byte `offset` (LF-separated). */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
  return line
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode Table 3-7:
 * no overlongs, no surrogates, nothing above U+10FFFF), or -1; Python's UnicodeDecodeError
 * reports the same position.
 */
function invalidUtf8At(bytes: Uint8Array, from: number): number {
  let i = from
  while (i < bytes.length) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lo = 0xa0
      if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lo = 0x90
      if (b === 0xf4) hi = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined) return i
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i
    }
    i += need + 1
  }
  return -1
}

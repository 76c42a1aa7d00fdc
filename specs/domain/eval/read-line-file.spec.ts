import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decodeText, readLineFile } from '../../../src/domain/eval/read-line-file.ts'
import { tempDir } from '../../support/temp-dir.ts'

const dir = tempDir()
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content)
  return join(dir, name)
}

describe('readLineFile()', () => {
  test('one segment per line, final newline not a line, CR dropped, empty lines kept', () => {
    expect(readLineFile(write('a', 'x\ny\n'), '--hyp')).toEqual(['x', 'y'])
    expect(readLineFile(write('b', 'x\r\n\r\ny'), '--hyp')).toEqual(['x', '', 'y'])
    expect(readLineFile(write('c', ''), '--hyp')).toEqual([])
    expect(readLineFile(write('d', '\n'), '--hyp')).toEqual([''])
    expect(() => readLineFile(join(dir, 'none'), '--ref')).toThrow(/--ref .*none: cannot read it \(ENOENT\)/)
    expect(() => readLineFile(dir, '--ref')).toThrow(/cannot read it \(EISDIR\)/)
  })

  test('a UTF-8 byte-order mark is dropped, so the first line matches', () => {
    expect(readLineFile(write('bom', '\uFEFFcat sat\ndog\n'), '--hyp')).toEqual(['cat sat', 'dog'])
    expect(readLineFile(write('bom-only', '\uFEFF'), '--hyp')).toEqual([])
    // only a leading BOM is an encoding mark; one inside a line is text
    expect(readLineFile(write('bom-inside', 'a\n\uFEFFb\n'), '--hyp')).toEqual(['a', '\uFEFFb'])
  })

  test('a binary file is refused naming the file, line and byte offset', () => {
    const path = write('bin', Buffer.from([0x61, 0x0a, 0x62, 0x00, 0x63, 0x0a]))
    expect(() => readLineFile(path, '--hyp')).toThrow(
      `--hyp ${path}: a NUL byte at line 2 (byte offset 3): a binary file, not line-aligned text`,
    )
    expect(() => readLineFile(path, '--hyp')).toThrow(expect.objectContaining({ code: 'EVAL_BINARY', exitCode: 2 }))
  })

  test('invalid UTF-8 (e.g. Latin-1) is refused with line, byte offset and byte; UTF-16 is named', () => {
    const latin1 = write('latin1', Buffer.from('ok\ncaf\xe9\n', 'latin1'))
    expect(() => readLineFile(latin1, '--ref')).toThrow(
      `--ref ${latin1}: not valid UTF-8 at line 2 (byte offset 6, byte 0xE9)`,
    )
    expect(() => readLineFile(latin1, '--ref')).toThrow(
      expect.objectContaining({
        hint: `save it as UTF-8, e.g. iconv -f LATIN1 -t UTF-8 ${latin1} > out.txt if it is Latin-1`,
      }),
    )
    const utf16 = write('utf16', Buffer.from('\uFEFFhi\n', 'utf16le'))
    expect(() => readLineFile(utf16, '--hyp')).toThrow(
      /UTF-16 text \(byte-order mark FF FE at byte 0\), expected UTF-8/,
    )
    // overlong encoding of "/" and an encoded surrogate are not UTF-8 either
    expect(() => decodeText(Uint8Array.from([0x41, 0xc0, 0xaf]), '--hyp', 'f')).toThrow(/byte offset 1, byte 0xC0/)
    expect(() => decodeText(Uint8Array.from([0xed, 0xa0, 0x80]), '--hyp', 'f')).toThrow(/byte offset 0, byte 0xED/)
    // a sequence cut short by the end of the file
    expect(() => decodeText(Uint8Array.from([0x41, 0xe2, 0x82]), '--hyp', 'f')).toThrow(/byte offset 1, byte 0xE2/)
  })
})

describe('decodeText()', () => {
  test('accepts exactly what a strict UTF-8 decoder accepts (NUL-free bytes)', () => {
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 12 }),
          fc.string({ unit: 'binary', maxLength: 8 }).map((s) => new TextEncoder().encode(s)),
        ),
        (raw) => {
          const bytes = raw.map((b) => (b === 0 ? 1 : b))
          fc.pre(!(bytes[0] === 0xff && bytes[1] === 0xfe) && !(bytes[0] === 0xfe && bytes[1] === 0xff))
          let valid = true
          try {
            strict.decode(bytes)
          } catch {
            valid = false
          }
          if (valid) expect(decodeText(bytes, '--hyp', 'f')).toBe(strict.decode(bytes).replace(/^\uFEFF/, ''))
          else expect(() => decodeText(bytes, '--hyp', 'f')).toThrow(/not valid UTF-8/)
        },
      ),
      { numRuns: 300 },
    )
  })
})

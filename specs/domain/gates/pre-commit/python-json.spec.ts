import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  floatRepr,
  PythonJsonError,
  pythonJsonDumps,
  pythonJsonLoadBytes,
  pythonJsonLoads,
} from '../../../../src/domain/gates/pre-commit/python-json.ts'
import { hasPython3, python } from './_python.ts'

// Documents valid and broken in the ways check-json meets them.
const DOCS = [
  '{"a": 1}',
  '{"a": 1,}',
  '[1, 2,]',
  '{"a" 1}',
  '{a: 1}',
  '[1 2]',
  '',
  '   ',
  '{"a": 1} x',
  '{"a": "b\nc"}',
  '{"a": "\\q"}',
  '{"a": "\\u12"}',
  '{"a": "\\ud83d\\ude00 é"}',
  '"unterminated',
  '[NaN, Infinity, -Infinity, -0, 1e400, 1.5E-7, 10, 1.0]',
  '[01]',
  '[-]',
  '[1.]',
  '{"a": [1, {"b": tru}]}',
  '\n\n  {"x":\n  }',
  '"é😀" x',
  '{"k": 1, "k": 2}',
]

describe('pythonJsonLoads()', () => {
  test.skipIf(!hasPython3)('accepts and rejects what CPython json.loads does, with the same messages', () => {
    const expected = python<(string | null)[]>(
      'import json,sys\nout=[]\nfor d in json.load(sys.stdin):\n  try:\n    json.loads(d); out.append(None)\n  except ValueError as e:\n    out.append(str(e))\nprint(json.dumps(out))',
      DOCS,
    )
    const actual = DOCS.map((d) => {
      try {
        pythonJsonLoads(d)
        return null
      } catch (e) {
        expect(e).toBeInstanceOf(PythonJsonError)
        return (e as Error).message
      }
    })
    expect(actual).toEqual(expected)
  })

  test('refuses a BOM in a str, accepts it in bytes (utf-8-sig), and sniffs UTF-16', () => {
    expect(() => pythonJsonLoads('\ufeff{}')).toThrow(
      'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    )
    expect(pythonJsonLoadBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toEqual({ pairs: [] })
    expect(pythonJsonLoadBytes(new Uint8Array(Buffer.from('[1]', 'utf16le')))).toEqual([{ int: 1n }])
    expect(() => pythonJsonLoadBytes(new Uint8Array([0x5b, 0xff, 0x5d]))).toThrow(
      "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte",
    )
  })

  test("reads a lone surrogate's UTF-8 bytes as json.loads does (surrogatepass); other bad bytes stay errors", () => {
    expect(pythonJsonLoadBytes(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x61, 0xc3, 0xa9, 0x22]))).toBe('\ud800aé')
    expect(() => pythonJsonLoadBytes(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0xff, 0x22]))).toThrow(
      "'utf-8' codec can't decode byte 0xff in position 4: invalid start byte",
    )
  })
})

describe('pythonJsonDumps()', () => {
  test.skipIf(!hasPython3)('property: dumps(loads(doc)) equals CPython for indent and ensure_ascii', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))
    const docs = fc.sample(json, { numRuns: 150, seed: 5 })
    docs.push('{"b": 1, "a": [1.0, 1e16, 1e-5, 123.456, -0.0, 12345678901234567890], "é": "😀\\u0001\\u007f"}')
    const options = [
      { indent: 2, ensureAscii: true },
      { indent: '\t', ensureAscii: false },
      { indent: 0, ensureAscii: true },
    ]
    const expected = python<string[][]>(
      "import json,sys\nd=json.load(sys.stdin)\nprint(json.dumps([[json.dumps(json.loads(x), indent=o['indent'], ensure_ascii=o['ensureAscii']) for o in d['o']] for x in d['docs']]))",
      { docs, o: options },
    )
    const actual = docs.map((d) => options.map((o) => pythonJsonDumps(pythonJsonLoads(d), o)))
    expect(actual).toEqual(expected)
  })
})

describe('floatRepr()', () => {
  test.each([
    [1, '1.0'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [123.456, '123.456'],
    [-0, '-0.0'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('repr(%s) is %s', (x, repr) => {
    expect(floatRepr(x)).toBe(repr)
  })
})

describe('floatRepr() against CPython', () => {
  test.skipIf(!hasPython3)(
    'property: any double, NaN, infinities and -0 included, reads as json.dumps writes it',
    () => {
      const doubles = fc.sample(fc.double(), { numRuns: 400, seed: 11 })
      doubles.push(Number.NaN, Number.NEGATIVE_INFINITY, 5e-324, 1e-4, 9999999999999998, -1e16)
      const hex = doubles.map((x) => {
        const b = Buffer.alloc(8)
        b.writeDoubleBE(x)
        return b.toString('hex')
      })
      const expected = python<string[]>(
        "import json,struct,sys\nprint(json.dumps([json.dumps(struct.unpack('>d', bytes.fromhex(h))[0]) for h in json.load(sys.stdin)]))",
        hex,
      )
      expect(doubles.map(floatRepr)).toEqual(expected)
    },
  )
})

describe('pythonJsonLoadBytes() against CPython', () => {
  test.skipIf(!hasPython3)(
    'property: any bytes are decoded (BOMs, UTF-16 sniffing) or refused with the message json.loads gives',
    () => {
      const byte = fc.constantFrom(
        0x00,
        0x22,
        0x31,
        0x5b,
        0x5d,
        0x7b,
        0x7d,
        0x80,
        0xa0,
        0xbb,
        0xbf,
        0xc3,
        0xe0,
        0xed,
        0xef,
        0xf0,
        0xf4,
        0xfe,
        0xff,
      )
      const samples = fc.sample(fc.array(byte, { maxLength: 7 }), { numRuns: 600, seed: 3 })
      samples.push(
        [0xef, 0xbb, 0xbf, 0x31],
        [0xfe, 0xff, 0x00, 0x31],
        [0xff, 0xfe, 0x31, 0x00],
        [0x00, 0x31],
        [0x31, 0x00],
      )
      const expected = python<(string | { error: string })[]>(
        [
          'import json,sys',
          'def one(b):',
          '  try: return json.dumps(json.loads(bytes(b)), indent=0)',
          '  except UnicodeDecodeError as e: return {"error": "decode " + str(e)}',
          '  except json.JSONDecodeError: return {"error": "json"}',
          '  except UnicodeError: return {"error": "unicode"}',
          'print(json.dumps([one(b) for b in json.load(sys.stdin)]))',
        ].join('\n'),
        samples,
      )
      const actual = samples.map((b, i) => {
        try {
          return pythonJsonDumps(pythonJsonLoadBytes(new Uint8Array(b)), { indent: 0, ensureAscii: true })
        } catch (error) {
          expect(error).toBeInstanceOf(PythonJsonError)
          const message = (error as Error).message
          const want = expected[i]
          // The native check refuses UTF-32 outright; CPython may read it or fail on it differently.
          if (message.startsWith('UTF-32')) return want
          // Codecs other than UTF-8 get a generic message; CPython names the bytes.
          if (typeof want === 'object' && want.error.startsWith("decode 'utf-16"))
            return message.startsWith("'utf-16") ? want : { error: message }
          if (message.startsWith("'utf-8' codec")) return { error: `decode ${message}` }
          return { error: 'json' }
        }
      })
      const differences = samples.flatMap((b, i) =>
        JSON.stringify(actual[i]) === JSON.stringify(expected[i])
          ? []
          : [
              `${Buffer.from(b).toString('hex')}: ours ${JSON.stringify(actual[i])}, CPython ${JSON.stringify(expected[i])}`,
            ],
      )
      expect(differences).toEqual([])
    },
  )
})

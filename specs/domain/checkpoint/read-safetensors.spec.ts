import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, test } from 'vitest'
import {
  asFloat32,
  asSafeInteger,
  decodeSafetensors,
  readSafetensors,
} from '../../../src/domain/checkpoint/read-safetensors.ts'
import { DTYPES, type Dtype } from '../../../src/domain/checkpoint/safetensors-dtype.ts'
import {
  type SafetensorsTensor,
  serializeSafetensors,
  writeSafetensors,
} from '../../../src/domain/checkpoint/write-safetensors.ts'
import { FIXTURES, fixtureTensors } from './fixtures.ts'

const tmp = mkdtempSync(join(tmpdir(), 'st-read-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A file from a raw header text and data bytes; `n` overrides the length prefix. */
function raw(header: string, dataBytes = 0, n?: bigint): Buffer {
  const json = Buffer.from(header)
  const prefix = Buffer.alloc(8)
  prefix.writeBigUInt64LE(n ?? BigInt(json.length))
  return Buffer.concat([prefix, json, Buffer.alloc(dataBytes, 7)])
}

const entry = (dtype: string, shape: unknown, offsets: unknown) =>
  JSON.stringify({ dtype, shape, data_offsets: offsets })

function faultOf(bytes: Buffer): string {
  try {
    decodeSafetensors(bytes, 'bad.safetensors')
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the file to be rejected')
}

describe('decodeSafetensors()', () => {
  test.each(['mixed', 'empty', 'no-metadata', 'nanogpt-tiny'])('reads what Python wrote for %s', (name) => {
    const file = decodeSafetensors(readFileSync(join(FIXTURES, `${name}.safetensors`)))
    const { metadata, tensors } = fixtureTensors(name)
    expect(file.metadata).toEqual(metadata)
    expect(new Set(file.tensors.keys())).toEqual(new Set(tensors.map(([n]) => n)))
    for (const [n, t] of tensors) {
      const got = file.tensors.get(n)
      expect(got?.dtype).toBe(t.dtype)
      expect(got?.shape).toEqual(t.shape)
      expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(t.data as Uint8Array))).toBe(true)
    }
  })

  test('gives every tensor its own aligned buffer', () => {
    const file = decodeSafetensors(readFileSync(join(FIXTURES, 'mixed.safetensors')))
    const bias = asFloat32(file.tensors.get('bias') as never, 'bias', 'mixed')
    expect(Object.is(bias[0], -0)).toBe(true)
    expect([bias[1], bias[2], Number.isNaN(bias[3])]).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      true,
    ])
    expect(() => asFloat32(file.tensors.get('double') as never, 'double', 'mixed')).toThrow(
      /"double" is F64, expected F32/,
    )
  })

  test('accepts an unpadded header and tensors listed in any order (older writers)', () => {
    const file = decodeSafetensors(raw(`{"b":${entry('U8', [1], [2, 3])},"a":${entry('U8', [2], [0, 2])}}`, 3))
    expect([...file.tensors.keys()]).toEqual(['a', 'b'])
  })

  test('reads a "__proto__" tensor as a plain name', () => {
    const file = decodeSafetensors(raw(`{"__proto__":${entry('U8', [1], [0, 1])}}`, 1))
    expect([...file.tensors.keys()]).toEqual(['__proto__'])
  })

  // Each fault, with the message a user sees: the file name and what is wrong.
  test.each([
    ['a file shorter than 8 bytes', Buffer.alloc(5)],
    ['a header length over the bound', raw('{}', 0, 100_000_001n)],
    ['a header length of 2^64-1', raw('{}', 0, 0xffffffffffffffffn)],
    ['a header running past the end', raw('{}', 0, 50n)],
    ['invalid UTF-8', Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x20])],
    ['a header not starting with {', raw(' {}')],
    ['invalid JSON', raw('{"a":')],
    ['a JSON array', raw('[1]  ')],
    ['non-string metadata', raw('{"__metadata__":{"format":1}}')],
    ['an unknown dtype', raw(`{"a":${entry('F128', [1], [0, 16])}}`, 16)],
    ['a sub-byte dtype', raw(`{"a":${entry('F4', [2], [0, 1])}}`, 1)],
    ['an unknown field', raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":0}}`, 1)],
    ['a negative dim', raw(`{"a":${entry('U8', [-1], [0, 0])}}`)],
    ['a fractional dim', raw(`{"a":${entry('U8', [1.5], [0, 1])}}`, 1)],
    ['offsets beyond 2^53', raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551615]}}`, 1)],
    ['offsets that end before they begin', raw(`{"a":${entry('U8', [0], [4, 2])}}`, 4)],
    ['overlapping tensors', raw(`{"a":${entry('U8', [2], [0, 2])},"b":${entry('U8', [2], [1, 3])}}`, 3)],
    ['a hole', raw(`{"a":${entry('U8', [1], [0, 1])},"b":${entry('U8', [1], [2, 3])}}`, 3)],
    ['a shape whose bytes overflow', raw(`{"a":${entry('F64', [9007199254740991, 2], [0, 8])}}`, 8)],
    ['a length that is not product(shape)·dtype', raw(`{"a":${entry('F32', [2], [0, 4])}}`, 4)],
    ['trailing bytes', raw(`{"a":${entry('U8', [1], [0, 1])}}`, 2)],
    ['a truncated data buffer', raw(`{"a":${entry('U8', [4], [0, 4])}}`, 3)],
  ])('rejects %s, naming the file and the fault', (_what, bytes) => {
    expect(faultOf(bytes)).toMatchSnapshot()
  })

  test.each([
    ['metadata that is not an object', raw('{"__metadata__":["pt"]}'), '__metadata__ must be an object of strings'],
    [
      'a null metadata value',
      raw('{"__metadata__":{"format":null}}'),
      '__metadata__.format is null; metadata values must be strings',
    ],
    [
      'an entry that is not an object',
      raw('{"a":[0,1]}'),
      'tensor "a" must be an object with dtype, shape and data_offsets',
    ],
    [
      'offsets that are not a pair',
      raw(`{"a":${entry('U8', [1], [0, 1, 2])}}`, 1),
      'tensor "a" data_offsets must be [begin, end]',
    ],
    [
      'negative offsets',
      raw(`{"a":${entry('U8', [0], [-1, -1])}}`),
      'tensor "a" data_offsets [-1,-1] overflow or are not non-negative integers',
    ],
  ])('rejects %s with a message that says what is allowed', (_what, bytes, fault) => {
    expect(faultOf(bytes)).toBe(`safetensors bad.safetensors: ${fault}`)
  })
})

describe('readSafetensors()', () => {
  test('reads in chunks of any size into the same tensors and sha256 as an in-memory decode', async () => {
    const path = join(FIXTURES, 'mixed.safetensors')
    const whole = decodeSafetensors(readFileSync(path))
    for (const chunkBytes of [1, 5, 1 << 20]) {
      const file = await readSafetensors(path, { chunkBytes })
      expect(file.sha256).toBe(whole.sha256)
      expect([...file.tensors.entries()]).toEqual([...whole.tensors.entries()])
    }
  })

  test('a file shorter than the length prefix gets the same fault as an in-memory decode', async () => {
    const path = join(tmp, 'short.safetensors')
    writeFileSync(path, Buffer.alloc(5))
    await expect(readSafetensors(path, { name: 'short' })).rejects.toThrow(
      'safetensors short: is 5 bytes, shorter than the 8-byte header length',
    )
    writeFileSync(path, Buffer.alloc(0))
    await expect(readSafetensors(path, { name: 'empty' })).rejects.toThrow(
      'safetensors empty: is 0 bytes, shorter than the 8-byte header length',
    )
  })

  test('rejects a digest that differs from the one expected', async () => {
    const path = join(FIXTURES, 'empty.safetensors')
    await expect(readSafetensors(path, { sha256: '0'.repeat(64), name: 'empty' })).rejects.toThrow(
      /^safetensors empty: sha256 is [0-9a-f]{64} but the manifest says 0{64}$/,
    )
  })
})

describe('asSafeInteger()', () => {
  const tensor = (dtype: Dtype, shape: number[], bytes: Uint8Array) => ({ dtype, shape, bytes })
  const i64 = (...values: bigint[]) => new Uint8Array(new BigInt64Array(values).buffer)

  test('reads a scalar or one-element I64 at the limits of a safe integer', () => {
    expect(asSafeInteger(tensor('I64', [], i64(9007199254740991n)), 'step', 'o')).toBe(Number.MAX_SAFE_INTEGER)
    expect(asSafeInteger(tensor('I64', [1], i64(-9007199254740991n)), 'step', 'o')).toBe(Number.MIN_SAFE_INTEGER)
  })

  test.each([
    ['another dtype', tensor('I32', [2], new Uint8Array(8)), 'tensor "step" is I32[2], expected a scalar I64'],
    ['more than one value', tensor('I64', [2], i64(1n, 2n)), 'tensor "step" is I64[2], expected a scalar I64'],
    ['2^53', tensor('I64', [], i64(9007199254740992n)), 'tensor "step" holds 9007199254740992, beyond a safe integer'],
    [
      '-(2^53)',
      tensor('I64', [], i64(-9007199254740992n)),
      'tensor "step" holds -9007199254740992, beyond a safe integer',
    ],
  ])('refuses %s, naming the tensor and file', (_what, t, fault) => {
    expect(() => asSafeInteger(t, 'step', 'optimizer.safetensors')).toThrow(
      `safetensors optimizer.safetensors: ${fault}`,
    )
  })
})

// --- properties ---

const BYTE_DTYPES = (Object.keys(DTYPES) as Dtype[]).filter((d) => DTYPES[d].bytes > 0)

const tensorArb = fc
  .record({
    dtype: fc.constantFrom(...BYTE_DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  })
  .chain(({ dtype, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1) * DTYPES[dtype].bytes
    return fc.uint8Array({ minLength: n, maxLength: n }).map((data): SafetensorsTensor => ({ dtype, shape, data }))
  })

const nameArb = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => s !== '__metadata__')

const setArb = fc.uniqueArray(fc.tuple(nameArb, tensorArb), { selector: ([n]) => n, maxLength: 8 })
const metadataArb = fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }), {
  nil: null,
})

describe('safetensors properties', () => {
  test('any set of tensors round-trips exactly (names, dtypes, shapes, bytes, metadata)', () => {
    fc.assert(
      fc.property(setArb, metadataArb, (tensors, metadata) => {
        const bytes = serializeSafetensors(tensors, metadata)
        expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0)
        const file = decodeSafetensors(bytes)
        expect(file.metadata).toEqual(metadata === null ? null : { ...metadata })
        expect(file.tensors.size).toBe(tensors.length)
        for (const [name, t] of tensors) {
          const got = file.tensors.get(name)
          expect(got?.dtype).toBe(t.dtype)
          expect(got?.shape).toEqual(t.shape)
          expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(t.data as Uint8Array))).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  test('any single-byte corruption of header or data is detected', async () => {
    const path = join(tmp, 'corrupt.safetensors')
    await fc.assert(
      fc.asyncProperty(
        setArb.filter((t) => t.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (tensors, at, xor) => {
          const { sha256, bytes } = await writeSafetensors(path, tensors)
          const file = readFileSync(path)
          const index = at % bytes
          file[index] = (file[index] as number) ^ xor
          writeFileSync(path, file)
          await expect(readSafetensors(path, { sha256 })).rejects.toMatchObject({ code: 'SAFETENSORS_INVALID' })
        },
      ),
      { numRuns: 200 },
    )
  })
})

import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { Dtype } from '../../../src/domain/checkpoint/safetensors-dtype.ts'
import {
  planSafetensors,
  type SafetensorsTensor,
  serializeSafetensors,
  writeSafetensors,
} from '../../../src/domain/checkpoint/write-safetensors.ts'
import { FIXTURES, fixtureTensors } from './fixtures.ts'

const tmp = mkdtempSync(join(tmpdir(), 'st-write-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const f32 = (values: number[], shape = [values.length]): SafetensorsTensor => ({
  dtype: 'F32',
  shape,
  data: Float32Array.from(values),
})

describe('serializeSafetensors()', () => {
  // Byte vectors from the reference crate's own tests (safetensors/src/tensor.rs).
  test('reproduces the reference serialization of attn.0', () => {
    const out = serializeSafetensors({ 'attn.0': f32([0, 1, 2, 3, 4, 5], [1, 2, 3]) }, null)
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0,
      64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ])
  })

  test('pads the header with spaces so the data starts 8-byte aligned (reference forced-alignment case)', () => {
    const out = serializeSafetensors({ attn0: f32([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) }, null)
    expect(out.readBigUInt64LE(0)).toBe(72n)
    expect(out.subarray(8, 80).toString('latin1')).toBe(
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
    )
    expect(out.length).toBe(8 + 72 + 24)
  })

  test('writes an empty file as {} padded, and metadata first', () => {
    expect([...serializeSafetensors({}, null)]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
    const withMeta = serializeSafetensors({}, { framework: 'pt' })
    expect(withMeta.subarray(8).toString()).toBe('{"__metadata__":{"framework":"pt"}}     ')
    expect(withMeta.readBigUInt64LE(0)).toBe(40n)
  })

  test.each(['mixed', 'empty', 'no-metadata', 'nanogpt-tiny'])(
    'matches the bytes Python safetensors wrote for %s',
    (name) => {
      const { metadata, tensors } = fixtureTensors(name)
      const ours = serializeSafetensors(tensors, metadata)
      const theirs = readFileSync(join(FIXTURES, `${name}.safetensors`))
      expect(ours.subarray(0, 8 + Number(theirs.readBigUInt64LE(0))).toString('utf8')).toBe(
        theirs.subarray(0, 8 + Number(theirs.readBigUInt64LE(0))).toString('utf8'),
      )
      expect(ours.equals(theirs)).toBe(true)
    },
  )

  test('orders by descending dtype alignment, then by UTF-8 bytes of the name (not UTF-16 units)', () => {
    const one = (dtype: Dtype, bytes: number): SafetensorsTensor => ({ dtype, shape: [1], data: new Uint8Array(bytes) })
    const layout = planSafetensors(
      [
        ['u8', one('U8', 1)],
        ['😀', one('F32', 4)],
        ['ｆ', one('F32', 4)],
        ['b', one('F32', 4)],
        ['i64', one('I64', 8)],
        ['f16', one('F16', 2)],
        ['f64', one('F64', 8)],
      ],
      null,
    )
    // U+FF46 (EF BD 86) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    expect(layout.tensors.map((t) => t.name)).toEqual(['i64', 'f64', 'b', 'ｆ', '😀', 'f16', 'u8'])
    expect(layout.tensors.map((t) => [t.begin, t.end])).toEqual([
      [0, 8],
      [8, 16],
      [16, 20],
      [20, 24],
      [24, 28],
      [28, 30],
      [30, 31],
    ])
  })

  test('writes scalars as shape [] and zero-size tensors as empty ranges', () => {
    const out = serializeSafetensors(
      {
        s: { dtype: 'I64', shape: [], data: new BigInt64Array([-5n]) },
        z: { dtype: 'F32', shape: [3, 0], data: new Float32Array(0) },
      },
      { format: 'pt' },
    )
    const header = out
      .subarray(8, 8 + Number(out.readBigUInt64LE(0)))
      .toString()
      .trimEnd()
    expect(header).toBe(
      '{"__metadata__":{"format":"pt"},"s":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"z":{"dtype":"F32","shape":[3,0],"data_offsets":[8,8]}}',
    )
    expect(out.readBigInt64LE(out.length - 8)).toBe(-5n)
  })

  test('escapes names exactly as serde_json does', () => {
    const out = serializeSafetensors({ 'a"b\\c\n\u0001\u007f/é': f32([1]) }, null)
    expect(out.subarray(8).toString()).toContain('"a\\"b\\\\c\\n\\u0001\u007f/é":')
  })

  test.each([
    ['a reserved name', { __metadata__: f32([1]) }, /"__metadata__" is reserved/],
    [
      'a short buffer',
      { a: { dtype: 'F32', shape: [2], data: new Float32Array(1) } },
      /F32\[2\] = 8 bytes but its data has 4/,
    ],
    [
      'a negative dim',
      { a: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } },
      /dims must be non-negative integers/,
    ],
    [
      'a shape whose element count overflows',
      { a: { dtype: 'U8', shape: [2 ** 30, 2 ** 30, 2 ** 30], data: new Uint8Array(0) } },
      /tensor "a" shape \[1073741824,1073741824,1073741824\] overflows/,
    ],
    ['a sub-byte dtype', { a: { dtype: 'F4', shape: [2], data: new Uint8Array(1) } }, /sub-byte dtype F4/],
    ['an unknown dtype', { a: { dtype: 'F128', shape: [1], data: new Uint8Array(16) } }, /unknown dtype F128/],
    ['a lone surrogate', { '\ud800x': f32([1]) }, /lone surrogate/],
  ] as [string, Record<string, SafetensorsTensor>, RegExp][])('refuses %s', (_what, tensors, message) => {
    expect(() => serializeSafetensors(tensors)).toThrow(message)
  })

  test('refuses a name given twice and non-string metadata', () => {
    expect(() =>
      planSafetensors([
        ['a', f32([1])],
        ['a', f32([2])],
      ]),
    ).toThrow(/"a" is given twice/)
    expect(() => planSafetensors({}, { n: 1 as unknown as string })).toThrow(/metadata "n" must be a string/)
  })
})

describe('writeSafetensors()', () => {
  test('streams the same bytes as the in-memory serialization, in any chunk size, and returns their sha256', async () => {
    const { metadata, tensors } = fixtureTensors('mixed')
    const expected = serializeSafetensors(tensors, metadata)
    for (const chunkBytes of [1, 3, 64, 1 << 20]) {
      const path = join(tmp, `mixed-${chunkBytes}.safetensors`)
      const result = await writeSafetensors(path, tensors, metadata, { chunkBytes })
      const written = readFileSync(path)
      expect(written.equals(expected)).toBe(true)
      expect(result).toEqual({ bytes: expected.length, sha256: createHash('sha256').update(expected).digest('hex') })
    }
  })

  test('writes typed-array views at their offset, not their whole buffer', async () => {
    const backing = Float32Array.from([9, 1, 2, 9])
    const path = join(tmp, 'view.safetensors')
    await writeSafetensors(path, { v: { dtype: 'F32', shape: [2], data: backing.subarray(1, 3) } })
    const bytes = readFileSync(path)
    expect([
      ...new Float32Array(bytes.buffer.slice(bytes.byteOffset + bytes.length - 8, bytes.byteOffset + bytes.length)),
    ]).toEqual([1, 2])
  })
})

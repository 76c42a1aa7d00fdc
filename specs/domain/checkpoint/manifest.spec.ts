import { describe, expect, test } from 'vitest'
import { decodeManifest, encodeManifest } from '../../../src/domain/checkpoint/manifest.ts'

const files = {
  'model.safetensors': { bytes: 1234, sha256: 'a'.repeat(64) },
  'optimizer.safetensors': { bytes: 2468, sha256: 'b'.repeat(64) },
  'trainer_state.json': { bytes: 99, sha256: 'c'.repeat(64) },
}

describe('encodeManifest() / decodeManifest()', () => {
  test('round-trips and lists exactly the three files with size and sha256', () => {
    const text = encodeManifest(7, files)
    expect(decodeManifest(text, 'm')).toEqual({ format: 'codex-gates-checkpoint', format_version: 1, step: 7, files })
    expect(JSON.parse(text).self_sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  test('every single-byte change anywhere in the manifest is detected', () => {
    const text = Buffer.from(encodeManifest(7, files))
    let detected = 0
    for (let i = 0; i < text.length; i++) {
      for (const xor of [0x01, 0x20, 0x80]) {
        const copy = Buffer.from(text)
        copy[i] = (copy[i] as number) ^ xor
        expect(() => decodeManifest(copy.toString('utf8'), 'ckpt-7/manifest.json'), `byte ${i} ^ ${xor}`).toThrow(
          /^ckpt-7\/manifest.json /,
        )
        detected++
      }
    }
    expect(detected).toBe(text.length * 3)
  })

  test('names what is wrong', () => {
    const edited = encodeManifest(7, files).replace('"step": 7', '"step": 8')
    expect(() => decodeManifest(edited, 'm.json')).toThrow('m.json self_sha256 does not match its content')
    const reformatted = JSON.stringify(JSON.parse(encodeManifest(7, files)))
    expect(() => decodeManifest(reformatted, 'm.json')).toThrow('m.json is not in canonical form (edited by hand?)')
    const missing = encodeManifest(7, files).replace('"trainer_state.json"', '"notes.txt"')
    expect(() => decodeManifest(missing, 'm.json')).toThrow(
      /lists \["model.safetensors","optimizer.safetensors","notes.txt"\]/,
    )
  })
})

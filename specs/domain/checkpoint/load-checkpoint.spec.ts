import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isCorruptCheckpointError, loadCheckpoint } from '../../../src/domain/checkpoint/load-checkpoint.ts'
import { encodeManifest } from '../../../src/domain/checkpoint/manifest.ts'
import { decodeSafetensors } from '../../../src/domain/checkpoint/read-safetensors.ts'
import { saveCheckpoint } from '../../../src/domain/checkpoint/save-checkpoint.ts'
import type { TrainerStateExtras } from '../../../src/domain/checkpoint/trainer-state-json.ts'
import { type SafetensorsTensor, serializeSafetensors } from '../../../src/domain/checkpoint/write-safetensors.ts'
import { sameState, syntheticState, tiedState } from './synthetic-state.ts'

const tmp = mkdtempSync(join(tmpdir(), 'ckpt-load-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const extras: TrainerStateExtras = {
  runId: 'r',
  metrics: { loss: 2 },
  monitor: 'loss',
  bestCheckpoint: 'ckpt-8',
  createdAt: '2026-01-01T00:00:00.000Z',
}
const FILES = ['manifest.json', 'model.safetensors', 'optimizer.safetensors', 'trainer_state.json']

let pristine: string
beforeAll(async () => {
  const state = syntheticState(8, { shapes: { 'wte.weight': [4, 3], 'ln.bias': [3] } })
  pristine = (await saveCheckpoint(join(tmp, 'pristine'), state, extras)).path
})

/** A fresh copy of the pristine checkpoint to damage. */
function copy(label: string): string {
  const path = join(tmp, label, 'ckpt-8')
  rmSync(join(tmp, label), { recursive: true, force: true })
  cpSync(pristine, path, { recursive: true })
  return path
}

async function rejection(path: string): Promise<Error & { code?: string }> {
  try {
    await loadCheckpoint(path)
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error(`expected ${path} to be rejected`)
}

describe('loadCheckpoint()', () => {
  test('restores the state bit for bit: NaN payloads, -0, subnormals, parameter order, every scalar', async () => {
    const state = syntheticState(3)
    const weights = (state.params['transformer.wte.weight'] as { data: Float32Array }).data
    new Uint32Array(weights.buffer, weights.byteOffset, 4).set([0x7fc00123, 0xffc00000, 0x80000000, 0x00000001])
    const reordered = { ...state, params: Object.fromEntries(Object.entries(state.params).reverse()) }
    const saved = await saveCheckpoint(join(tmp, 'exact'), reordered, extras)
    const loaded = await loadCheckpoint(saved.path)
    expect(sameState(loaded.state, reordered)).toBe(true)
    expect(Object.keys(loaded.state.params)).toEqual(Object.keys(reordered.params))
    expect(loaded.extras).toEqual(extras)
    expect(loaded.manifestSha256).toBe(saved.manifestSha256)
  })

  test('restores tied weights: the alias is not a parameter, and its copy in the file must equal its target', async () => {
    const state = tiedState(4)
    const saved = await saveCheckpoint(join(tmp, 'tied'), state, extras)
    const loaded = await loadCheckpoint(saved.path)
    expect(loaded.state.tiedParams).toEqual({ 'lm_head.weight': 'transformer.wte.weight' })
    expect(Object.hasOwn(loaded.state.params, 'lm_head.weight')).toBe(false)
    expect(sameState(loaded.state, state)).toBe(true)

    // A file whose copy drifted from its target, with a manifest that vouches for it, is refused.
    const model = join(saved.path, 'model.safetensors')
    const drifted = Object.entries(state.params).map(
      ([n, t]) => [n, { dtype: 'F32' as const, shape: t.shape, data: t.data }] as const,
    )
    const wte = state.params['transformer.wte.weight'] as { shape: number[]; data: Float32Array }
    const other = wte.data.map((x) => x + 1)
    writeFileSync(
      model,
      serializeSafetensors([...drifted, ['lm_head.weight', { dtype: 'F32', shape: wte.shape, data: other }]]),
    )
    const entry = (name: string) => {
      const bytes = readFileSync(join(saved.path, name))
      return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }
    }
    const names = ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json']
    writeFileSync(
      join(saved.path, 'manifest.json'),
      encodeManifest(4, Object.fromEntries(names.map((n) => [n, entry(n)]))),
    )
    const error = await rejection(saved.path)
    expect(error.message).toBe(
      'ckpt-4/model.safetensors tied tensor "lm_head.weight" differs from "transformer.wte.weight", the parameter it copies',
    )
  })

  test('property: any single-byte corruption of any file in the checkpoint is detected', async () => {
    const path = copy('flip')
    const originals = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(path, f))]))
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FILES), fc.nat(), fc.integer({ min: 1, max: 255 }), async (file, at, xor) => {
        const bytes = Buffer.from(originals[file] as Buffer)
        const index = at % bytes.length
        bytes[index] = (bytes[index] as number) ^ xor
        writeFileSync(join(path, file), bytes)
        try {
          const error = await rejection(path)
          expect(isCorruptCheckpointError(error), error.message).toBe(true)
        } finally {
          writeFileSync(join(path, file), originals[file] as Buffer)
        }
      }),
      { numRuns: 300 },
    )
    await expect(loadCheckpoint(path)).resolves.toBeTruthy()
  })

  test.each([
    [
      'a missing file',
      (p: string) => rmSync(join(p, 'optimizer.safetensors')),
      'ckpt-8/optimizer.safetensors is missing',
    ],
    [
      'a missing manifest (partial copy)',
      (p: string) => rmSync(join(p, 'manifest.json')),
      'ckpt-8/manifest.json is missing',
    ],
    [
      'a truncated file',
      (p: string) =>
        writeFileSync(join(p, 'model.safetensors'), readFileSync(join(p, 'model.safetensors')).subarray(0, 50)),
      /^ckpt-8\/model.safetensors is 50 bytes but the manifest says \d+$/,
    ],
    [
      'a file replaced by a symbolic link',
      (p: string) => {
        renameSync(join(p, 'model.safetensors'), join(p, '..', 'elsewhere.safetensors'))
        symlinkSync(join(p, '..', 'elsewhere.safetensors'), join(p, 'model.safetensors'))
      },
      'ckpt-8/model.safetensors is a symbolic link; checkpoint files must be regular files',
    ],
  ])('rejects %s', async (_what, damage, message) => {
    const path = copy('damage')
    damage(path)
    const error = await rejection(path)
    expect(isCorruptCheckpointError(error)).toBe(true)
    if (typeof message === 'string') expect(error.message).toBe(message)
    else expect(error.message).toMatch(message)
  })

  test('rejects a folder renamed to another step', async () => {
    const path = copy('renamed')
    renameSync(path, join(tmp, 'renamed', 'ckpt-9'))
    const error = await rejection(join(tmp, 'renamed', 'ckpt-9'))
    expect(error.message).toBe('ckpt-9/manifest.json says step 8 but the folder is ckpt-9')
  })

  test('rejects a path that is not a folder', async () => {
    const file = join(tmp, 'ckpt-5')
    writeFileSync(file, 'not a folder')
    expect((await rejection(file)).message).toBe('ckpt-5 is not a folder')
    expect((await rejection(join(tmp, 'ckpt-6'))).message).toBe('ckpt-6 is not a folder')
  })

  test.each([
    [
      'a directory in place of a listed file',
      (p: string) => {
        rmSync(join(p, 'model.safetensors'))
        mkdirSync(join(p, 'model.safetensors'))
      },
      'ckpt-8/model.safetensors is not a regular file',
    ],
    [
      'a directory in place of the manifest',
      (p: string) => {
        rmSync(join(p, 'manifest.json'))
        mkdirSync(join(p, 'manifest.json'))
      },
      'ckpt-8/manifest.json is not a regular file',
    ],
  ])('rejects %s', async (_what, damage, message) => {
    const path = copy('not-regular')
    damage(path)
    const error = await rejection(path)
    expect(isCorruptCheckpointError(error)).toBe(true)
    expect(error.message).toBe(message)
  })

  // Files that disagree with each other while the manifest vouches for every byte (a buggy or
  // foreign writer, not bit rot): each is caught by a consistency check, naming the file.
  type Tensors = [string, SafetensorsTensor][]
  const tensorsOf = (path: string, file: string): Tensors =>
    [...decodeSafetensors(readFileSync(join(path, file))).tensors].map(([n, t]) => [
      n,
      { dtype: t.dtype, shape: t.shape, data: t.bytes },
    ])
  const editState = (edit: (json: Record<string, unknown>) => void) => (path: string) => {
    const json = JSON.parse(readFileSync(join(path, 'trainer_state.json'), 'utf8'))
    edit(json)
    writeFileSync(join(path, 'trainer_state.json'), `${JSON.stringify(json, null, 2)}\n`)
  }
  const editTensors = (file: string, edit: (tensors: Tensors) => Tensors) => (path: string) => {
    writeFileSync(join(path, file), serializeSafetensors(edit(tensorsOf(path, file))))
  }
  const i64 = (value: bigint): SafetensorsTensor => ({ dtype: 'I64', shape: [], data: new BigInt64Array([value]) })

  test.each([
    [
      'a trainer state of another step',
      editState((j) => {
        j.global_step = 9
      }),
      "ckpt-8/trainer_state.json global_step 9 differs from the manifest's step 8",
    ],
    [
      'a parameter named twice',
      editState((j) => {
        j.param_names = ['wte.weight', 'ln.bias', 'wte.weight']
      }),
      'ckpt-8/trainer_state.json param_names lists a name twice',
    ],
    [
      'a tied alias the model file does not hold',
      editState((j) => {
        j.tied_params = { 'lm_head.weight': 'wte.weight' }
      }),
      'ckpt-8/trainer_state.json tied_params maps "lm_head.weight" to "wte.weight", which ckpt-8/model.safetensors does not hold as a tied pair',
    ],
    [
      'a tied alias that is also a parameter',
      editState((j) => {
        j.tied_params = { 'ln.bias': 'wte.weight' }
      }),
      'ckpt-8/trainer_state.json tied_params maps "ln.bias" to "wte.weight", which ckpt-8/model.safetensors does not hold as a tied pair',
    ],
    [
      'a parameter missing from the model file',
      editTensors('model.safetensors', (t) => t.filter(([n]) => n !== 'ln.bias')),
      'ckpt-8/model.safetensors has no tensor "ln.bias"',
    ],
    [
      'a model tensor not in param_names',
      editTensors('model.safetensors', (t) => [
        ...t,
        ['stray.weight', { dtype: 'F32', shape: [1], data: new Float32Array([1]) }],
      ]),
      'ckpt-8/model.safetensors holds tensors not in param_names: stray.weight',
    ],
    [
      'an optimizer file without its step',
      editTensors('optimizer.safetensors', (t) => t.filter(([n]) => n !== 'step')),
      'ckpt-8/optimizer.safetensors has no "step" tensor',
    ],
    [
      'an optimizer step that is not an I64 scalar',
      editTensors('optimizer.safetensors', (t) =>
        t.map(([n, x]) => [n, n === 'step' ? { dtype: 'F32', shape: [], data: new Float32Array([8]) } : x]),
      ),
      'safetensors ckpt-8/optimizer.safetensors: tensor "step" is F32[], expected a scalar I64',
    ],
    [
      'an optimizer step beyond a safe integer',
      editTensors('optimizer.safetensors', (t) => t.map(([n, x]) => [n, n === 'step' ? i64(2n ** 60n) : x])),
      'safetensors ckpt-8/optimizer.safetensors: tensor "step" holds 1152921504606846976, beyond a safe integer',
    ],
    [
      'an optimizer file with a tensor too many',
      editTensors('optimizer.safetensors', (t) => [...t, ['extra', i64(1n)]]),
      'ckpt-8/optimizer.safetensors holds 6 tensors, expected 5 (step + 2 moments per parameter)',
    ],
    [
      'moments for only some parameters',
      editTensors('optimizer.safetensors', (t) => t.filter(([n]) => n !== 'exp_avg_sq.ln.bias')),
      'ckpt-8/optimizer.safetensors has no tensor "exp_avg_sq.ln.bias"',
    ],
    [
      'a moment whose shape differs from its parameter',
      editTensors('optimizer.safetensors', (t) =>
        t.map(([n, x]) => [n, n === 'exp_avg.ln.bias' ? { ...x, shape: [1, 3] } : x]),
      ),
      'ckpt-8/optimizer.safetensors exp_avg.ln.bias is [1,3] but the parameter is [3]',
    ],
  ])('rejects %s even when the manifest vouches for it', async (_what, damage, message) => {
    const path = copy('inconsistent')
    damage(path)
    const entry = (name: string) => {
      const bytes = readFileSync(join(path, name))
      return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }
    }
    const names = ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json']
    writeFileSync(join(path, 'manifest.json'), encodeManifest(8, Object.fromEntries(names.map((n) => [n, entry(n)]))))
    const error = await rejection(path)
    expect(isCorruptCheckpointError(error), error.message).toBe(true)
    expect(error.message).toBe(message)
  })

  test('restores a state saved before the first optimizer step (no moments yet)', async () => {
    const state = syntheticState(0, { shapes: { 'wte.weight': [4, 3] } })
    const fresh = { ...state, optimizer: { step: 0, m: {}, v: {} } }
    const saved = await saveCheckpoint(join(tmp, 'no-moments'), fresh, extras)
    expect(decodeSafetensors(readFileSync(join(saved.path, 'optimizer.safetensors'))).tensors.size).toBe(1)
    const loaded = await loadCheckpoint(saved.path)
    expect(loaded.state.optimizer).toEqual({ step: 0, m: {}, v: {} })
    expect(sameState(loaded.state, fresh)).toBe(true)
  })
})

// Files we write must load in Python's `safetensors` (numpy) and in `torch`. Runs where python3
// can import them (pip install safetensors numpy torch); skipped with the reason elsewhere.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { saveCheckpoint } from '../../../src/domain/checkpoint/save-checkpoint.ts'
import { type SafetensorsTensor, writeSafetensors } from '../../../src/domain/checkpoint/write-safetensors.ts'
import { tiedState } from './synthetic-state.ts'

const tmp = mkdtempSync(join(tmpdir(), 'st-py-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const canImport = (modules: string) =>
  spawnSync('python3', ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0
const hasNumpy = canImport('safetensors.numpy, numpy')
const hasTorch = hasNumpy && canImport('torch, safetensors.torch')

/** Loads `path` in Python and returns metadata plus every tensor's dtype, shape and bytes (hex). */
function loadInPython(
  path: string,
  via: 'numpy' | 'torch',
): {
  metadata: Record<string, string> | null
  tensors: Record<string, { dtype: string; shape: number[]; hex: string }>
} {
  const script = `
import json, sys
from safetensors import safe_open
path, via = sys.argv[1], sys.argv[2]
if via == "numpy":
    from safetensors.numpy import load_file
    tensors = {k: (str(v.dtype), list(v.shape), v.tobytes().hex()) for k, v in load_file(path).items()}
else:
    import torch
    from safetensors.torch import load_file
    def raw(t):
        t = t.contiguous()
        return t.view(torch.uint8).numpy().tobytes().hex() if t.numel() else ""
    tensors = {k: (str(v.dtype), list(v.shape), raw(v.reshape(-1) if v.dim() == 0 else v)) for k, v in load_file(path).items()}
with safe_open(path, framework="np") as f:
    metadata = f.metadata()
print(json.dumps({"metadata": metadata, "tensors": {k: {"dtype": d, "shape": s, "hex": h} for k, (d, s, h) in tensors.items()}}))
`
  const run = spawnSync('python3', ['-c', script, path, via], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`python3 failed to load ${path}:\n${run.stderr}`)
  return JSON.parse(run.stdout)
}

const hex = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex')

const NUMPY_NAMES: Record<string, string> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  I64: 'int64',
  U8: 'uint8',
  BOOL: 'bool',
  I32: 'int32',
}
const TORCH_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NUMPY_NAMES).map(([k, v]) => [k, `torch.${v}`])),
  BF16: 'torch.bfloat16',
}

const tensors: Record<string, SafetensorsTensor> = {
  'transformer.wte.weight': {
    dtype: 'F32',
    shape: [3, 2],
    data: Float32Array.from([0.1, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-40, -3.5]),
  },
  'transformer.h.0.attn.bias': { dtype: 'F64', shape: [2], data: Float64Array.from([Math.PI, -1 / 3]) },
  half: { dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) },
  step: { dtype: 'I64', shape: [], data: BigInt64Array.from([9007199254740993n]) },
  empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  bytes: { dtype: 'U8', shape: [3], data: Uint8Array.from([0, 128, 255]) },
  flags: { dtype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) },
  ints: { dtype: 'I32', shape: [1, 1], data: Int32Array.from([-7]) },
}

describe('Python interop', () => {
  test('safetensors.numpy loads our file with identical dtypes, shapes, bytes and metadata', {
    timeout: 120_000,
  }, async (ctx) => {
    if (!hasNumpy) ctx.skip('python3 cannot import safetensors and numpy (pip install safetensors numpy)')
    const path = join(tmp, 'ours.safetensors')
    await writeSafetensors(path, tensors)
    const loaded = loadInPython(path, 'numpy')
    expect(loaded.metadata).toEqual({ format: 'pt' })
    for (const [name, t] of Object.entries(tensors)) {
      expect(loaded.tensors[name]).toEqual({ dtype: NUMPY_NAMES[t.dtype], shape: t.shape, hex: hex(t.data) })
    }
    expect(Object.keys(loaded.tensors).sort()).toEqual(Object.keys(tensors).sort())
  })

  test('torch loads our file, bfloat16 included', { timeout: 120_000 }, async (ctx) => {
    if (!hasTorch) ctx.skip('python3 cannot import torch (pip install torch); numpy interop is covered above')
    const path = join(tmp, 'ours-torch.safetensors')
    const withBf16 = {
      ...tensors,
      bf: { dtype: 'BF16', shape: [2], data: Uint16Array.from([0x3f80, 0xc040]) } as SafetensorsTensor,
    }
    await writeSafetensors(path, withBf16)
    const loaded = loadInPython(path, 'torch')
    for (const [name, t] of Object.entries(withBf16)) {
      expect(loaded.tensors[name]).toEqual({ dtype: TORCH_NAMES[t.dtype], shape: t.shape, hex: hex(t.data) })
    }
  })

  test('torch loads a whole checkpoint: weights under nanoGPT names, AdamW moments and step', {
    timeout: 120_000,
  }, async (ctx) => {
    if (!hasTorch) ctx.skip('python3 cannot import torch (pip install torch)')
    const state = tiedState(12)
    const saved = await saveCheckpoint(join(tmp, 'run'), state, {
      runId: 'py',
      metrics: {},
      monitor: null,
      bestCheckpoint: null,
      createdAt: new Date().toISOString(),
    })
    const model = loadInPython(join(saved.path, 'model.safetensors'), 'torch')
    expect(Object.keys(model.tensors).sort()).toEqual([...Object.keys(state.params), 'lm_head.weight'].sort())
    expect(model.tensors['lm_head.weight']).toEqual(model.tensors['transformer.wte.weight']) // tied: a copy for load_state_dict
    for (const [name, t] of Object.entries(state.params)) {
      expect(model.tensors[name]).toEqual({ dtype: 'torch.float32', shape: t.shape, hex: hex(t.data) })
    }
    const optimizer = loadInPython(join(saved.path, 'optimizer.safetensors'), 'torch')
    expect(optimizer.tensors.step).toEqual({ dtype: 'torch.int64', shape: [], hex: hex(BigInt64Array.from([12n])) })
    for (const [name, t] of Object.entries(state.optimizer.m))
      expect(optimizer.tensors[`exp_avg.${name}`]?.hex).toBe(hex(t.data))
    for (const [name, t] of Object.entries(state.optimizer.v))
      expect(optimizer.tensors[`exp_avg_sq.${name}`]?.hex).toBe(hex(t.data))
  })
})

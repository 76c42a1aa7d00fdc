import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CheckpointManager } from '../../domain/checkpoint/checkpoint-manager.ts'
import { readSafetensors } from '../../domain/checkpoint/read-safetensors.ts'
import {
  DEFAULT_CHUNK_BYTES,
  planSafetensors,
  type SafetensorsTensor,
  writeSafetensors,
} from '../../domain/checkpoint/write-safetensors.ts'
import type { TensorData, TrainState } from '../../domain/train/train-state.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'

const MIB = 1024 * 1024
/** Weights come as [1024, 1024] float32 tensors (4 MiB each), about one GPT-2-small layer matrix. */
const TENSOR_FLOATS = 1024 * 1024

const OPTIONS = {
  sizes: {
    type: 'string',
    valueName: 'mib,…',
    default: '100,1024',
    description: 'weight sets to time, in MiB (multiples of 4)',
  },
  dir: { type: 'string', valueName: 'dir', description: 'the folder to write in (default: the system temp folder)' },
  repeats: { type: 'integer', valueName: 'n', default: 3, description: 'timed runs per measure (at least 1)' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- checkpoint`: save and load throughput of safetensors files and of whole
 * checkpoints (weights + AdamW moments + state + manifest, atomic commit) for 100 MiB and 1 GiB
 * weight sets, beside raw write+fsync of the same bytes to the same folder, interleaved in one
 * run; sha256 alone is timed separately. Tensors are streamed, never copied into one buffer.
 */
export const checkpointBench = defineBench({
  name: 'checkpoint',
  summary: 'save and load throughput of safetensors files and whole checkpoints',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const sizes = parseSizes(values.sizes)
  const repeats = Math.max(1, values.repeats)
  const base = values.dir ? resolve(values.dir) : tmpdir()
  mkdirSync(base, { recursive: true })
  const work = mkdtempSync(join(base, 'bench-checkpoint-'))
  const rows: BenchRow[] = []
  const targets: NonNullable<BenchResult['targets']> = []
  try {
    for (const mib of sizes) {
      const params = weightSet(mib)
      const bytes = mib * MIB
      const times: Record<'raw' | 'save' | 'load' | 'ckptRaw' | 'ckptSave' | 'ckptLoad' | 'sha', number[]> = {
        raw: [],
        ckptRaw: [],
        save: [],
        load: [],
        ckptSave: [],
        ckptLoad: [],
        sha: [],
      }
      let ckptBytes = 0
      for (let r = 0; r < repeats; r++) {
        // Alternate the order so drift (other load, cache state) does not favour one side.
        const order = r % 2 === 0 ? ['raw', 'save'] : ['save', 'raw']
        for (const which of order) {
          const path = join(work, `${which}.safetensors`)
          if (which === 'raw') times.raw.push(await timed(() => rawWrite(path, toTensors(params))))
          else {
            times.save.push(await timed(() => writeSafetensors(path, toTensors(params))))
            times.load.push(await timed(() => readSafetensors(path)))
          }
          rmSync(path, { force: true })
        }
        times.sha.push(await timed(async () => shaOnly(params)))
        // The checkpoint's two tensor files written raw, against the full atomic save.
        const rawDir = join(work, `raw-${r}`)
        const dir = join(work, `run-${r}`)
        const manager = new CheckpointManager({ dir, runId: 'bench', warn: () => undefined })
        const state = benchState(params)
        let saved = ''
        const ckptRaw = async () => {
          mkdirSync(rawDir)
          await rawWrite(join(rawDir, 'model.safetensors'), toTensors(params))
          await rawWrite(join(rawDir, 'optimizer.safetensors'), [
            ...toTensors(params, 'exp_avg.'),
            ...toTensors(params, 'exp_avg_sq.'),
          ])
        }
        for (const which of r % 2 === 0 ? ['raw', 'save'] : ['save', 'raw']) {
          if (which === 'raw') times.ckptRaw.push(await timed(ckptRaw))
          else times.ckptSave.push(await timed(async () => (saved = await manager.save(state, {}))))
        }
        ckptBytes = await folderBytes(saved)
        times.ckptLoad.push(await timed(() => manager.loadLatest()))
        rmSync(dir, { recursive: true, force: true })
        rmSync(rawDir, { recursive: true, force: true })
      }
      const raw = bytes / MIB / median(times.raw)
      const ckptRawBytes = ckptBytes
      const rawCkpt = ckptRawBytes / MIB / median(times.ckptRaw)
      const row = (measure: string, n: number, t: number[], base: number): BenchRow => {
        const mbps = n / MIB / median(t)
        return {
          weights: `${mib} MiB`,
          measure,
          MiB: Math.round(n / MIB),
          seconds: median(t),
          'MiB/s': mbps,
          'vs raw': mbps / base,
        }
      }
      rows.push(
        row('raw write + fsync, one file (same bytes, same folder)', bytes, times.raw, raw),
        row('sha256 only (in memory)', bytes, times.sha, raw),
        row('safetensors save (stream + sha256 + fsync)', bytes, times.save, raw),
        row('safetensors load (read + sha256 verify)', bytes, times.load, raw),
        row('raw write + fsync, weights + moments files', ckptRawBytes, times.ckptRaw, rawCkpt),
        row('checkpoint save (weights + m + v, atomic commit)', ckptBytes, times.ckptSave, rawCkpt),
        row('checkpoint load (verify all, rebuild TrainState)', ckptBytes, times.ckptLoad, rawCkpt),
      )
      const saveRatio = median(times.raw) / median(times.save)
      const ckptRatio = median(times.ckptRaw) / median(times.ckptSave)
      targets.push(
        {
          target: `safetensors save ≥ 70% of raw write+fsync (${mib} MiB)`,
          value: `${(saveRatio * 100).toFixed(0)}%`,
          met: saveRatio >= 0.7,
        },
        {
          target: `checkpoint save ≥ 70% of raw write+fsync (${mib} MiB weights)`,
          value: `${(ckptRatio * 100).toFixed(0)}%`,
          met: ckptRatio >= 0.7,
        },
      )
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return {
    name: 'checkpoint',
    rows,
    targets,
    notes: [
      `median of ${repeats} runs per row; raw and save alternate order each repeat; folder ${base}`,
      'loads read right after the save, from the page cache: they measure parsing, copying and sha256, not the disk',
      'shared machine: figures move with other load; compare ratios within one run',
    ],
    extra: { sizesMiB: sizes, repeats, tensorFloats: TENSOR_FLOATS },
  }
}

// --- internal ---

function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim()))
  if (sizes.some((n) => !Number.isInteger(n) || n < 4 || n % 4 !== 0)) {
    throw new UserError(
      'BAD_FLAG',
      `--sizes must list MiB amounts that are multiples of 4, got "${text}"`,
      'e.g. --sizes 100,1024',
    )
  }
  return sizes
}

/** `mib` MiB of float32 weights as [1024, 1024] tensors (the last one shorter), cheap distinct values. */
function weightSet(mib: number): Record<string, TensorData> {
  const params: Record<string, TensorData> = {}
  let floats = (mib * MIB) / 4
  for (let i = 0; floats > 0; i++) {
    const n = Math.min(TENSOR_FLOATS, floats)
    const data = new Float32Array(n)
    for (let j = 0; j < n; j++) data[j] = ((j * 2654435761 + i) % 65521) / 65521
    params[`transformer.h.${i}.mlp.c_fc.weight`] = { shape: n === TENSOR_FLOATS ? [1024, 1024] : [n], data }
    floats -= n
  }
  return params
}

function toTensors(params: Record<string, TensorData>, prefix = ''): [string, SafetensorsTensor][] {
  return Object.entries(params).map(([name, t]) => [prefix + name, { dtype: 'F32', shape: t.shape, data: t.data }])
}

/** A TrainState whose moments reuse the weight buffers: 3× the bytes on disk, 1× in memory. */
function benchState(params: Record<string, TensorData>): TrainState {
  return {
    step: 1,
    epoch: 0,
    params,
    optimizer: { step: 1, m: params, v: params },
    rng: { batches: [1, 2, 3, 4] },
    dataCursor: { epoch: 0, permutation_seed: 1, permutation_sha256: '0'.repeat(64), position: 0 },
    schedule: { step: 1, lr: 1e-3 },
    bestMetric: null,
    config: { bench: true },
    configHash: '0'.repeat(64),
  }
}

/** The same bytes a safetensors save writes (header + tensors), same batching, no hashing. */
async function rawWrite(path: string, tensors: [string, SafetensorsTensor][]): Promise<void> {
  const layout = planSafetensors(tensors)
  const pieces = [
    layout.header,
    ...layout.tensors.map(
      (t) => new Uint8Array(t.tensor.data.buffer, t.tensor.data.byteOffset, t.tensor.data.byteLength),
    ),
  ]
  const handle = await open(path, 'w', 0o644)
  try {
    let position = 0
    let batch: Uint8Array[] = []
    let filled = 0
    const flush = async () => {
      let at = 0
      while (at < filled) {
        const { bytesWritten } = await handle.writev(
          at === 0 ? batch : [Buffer.concat(batch).subarray(at)],
          position + at,
        )
        at += bytesWritten
      }
      position += filled
      batch = []
      filled = 0
    }
    for (const piece of pieces) {
      batch.push(piece)
      filled += piece.length
      if (filled >= DEFAULT_CHUNK_BYTES) await flush()
    }
    if (filled > 0) await flush()
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function shaOnly(params: Record<string, TensorData>): string {
  const hash = createHash('sha256')
  for (const t of Object.values(params))
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
  return hash.digest('hex')
}

async function folderBytes(dir: string): Promise<number> {
  const { readdir, stat } = await import('node:fs/promises')
  let total = 0
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size
  return total
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

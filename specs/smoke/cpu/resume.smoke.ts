// Exact resume through the real train CLI, each part a new process: (1) 2N steps straight vs N
// steps → checkpoint → `--resume-from latest` → N more: bit-identical weights, optimizer state,
// RNG, data cursor and metrics; (2) a run killed with SIGKILL at random moments (checkpoint every
// step), resumed each time, ends bit-identical to the straight run, and after every kill
// loadLatest returns a complete checkpoint.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CheckpointManager } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { type LoadedCheckpoint, loadCheckpoint } from '../../../src/domain/checkpoint/load-checkpoint.ts'
import type { TensorData } from '../../../src/domain/train/train-state.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'
import { recordToLedger } from '../../../src/ledger/ledger-meta.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const CONFIG = 'configs/train/gpt-tiny.json'
// Made in beforeAll, so collecting the file (`vitest list`) leaves nothing behind.
let tmp = ''
let LEDGER = ''
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'resume-smoke-'))
  LEDGER = join(tmp, 'ledger.db')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** gpt-tiny, shortened; dropout on so the dropout RNG must be restored too. */
function settings(steps: number, extra: Record<string, string | number>): string[] {
  const values = {
    max_iters: steps,
    lr_decay_iters: steps,
    warmup_iters: 2,
    eval_iters: 2,
    log_interval: 1,
    dropout: 0.1,
    backend: 'ts',
    system_metrics: 'off',
    ...extra,
  }
  return Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`])
}

interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Starts `npm run train -- …` as its own process (tsx, the temp ledger); `onLine` sees stdout lines. */
function startTrain(args: string[], onLine?: (line: string) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/train.ts', '--config', CONFIG, ...args], {
    cwd: ROOT,
    env: { ...process.env, CODEX_LEDGER: LEDGER },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const run: CliRun = { code: null, signal: null, stdout: '', stderr: '' }
  let pending = ''
  child.stdout.on('data', (d: Buffer) => {
    run.stdout += d
    pending += d
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine?.(line)
  })
  child.stderr.on('data', (d: Buffer) => {
    run.stderr += d
  })
  const done = new Promise<CliRun>((resolve) =>
    child.on('exit', (code, signal) => {
      run.code = code
      run.signal = signal
      resolve(run)
    }),
  )
  return { child, done }
}

const bits = (t: TensorData | undefined) =>
  createHash('sha256')
    .update(new Uint8Array(t?.data.buffer ?? new ArrayBuffer(0), t?.data.byteOffset, t?.data.byteLength))
    .digest('hex')

/** Everything that must match between two runs at the same step (not config, not timestamps). */
function fingerprint(loaded: LoadedCheckpoint) {
  const { state } = loaded
  const tensors = (record: Record<string, TensorData>) =>
    Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, bits(record[k])]),
    )
  return {
    step: state.step,
    epoch: state.epoch,
    params: tensors(state.params),
    tiedParams: state.tiedParams,
    m: tensors(state.optimizer.m),
    v: tensors(state.optimizer.v),
    optimizerStep: state.optimizer.step,
    rng: state.rng,
    dataCursor: state.dataCursor,
    schedule: state.schedule,
    bestMetric: state.bestMetric,
  }
}

/** metrics.ndjson as {step → values}, later lines winning, minus wall-clock fields. */
function metricsByStep(outDir: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>()
  for (const line of readFileSync(join(outDir, 'metrics.ndjson'), 'utf8').split('\n').filter(Boolean)) {
    const { ts: _ts, 'train/tokens_per_s': _speed, ...values } = JSON.parse(line) as Record<string, unknown>
    const kind = Object.keys(values).some((k) => k.startsWith('val/')) ? 'eval' : 'train'
    out.set(`${kind}@${values.step}`, values)
  }
  return out
}

describe('exact resume through the train CLI (ts executor)', () => {
  test('2N straight == N, checkpoint, new process resumes from latest, N more: bit for bit', {
    timeout: 600_000,
  }, async ({ task }) => {
    const N = 6
    const common = settings(2 * N, { eval_interval: 3, checkpoint_every: 4 })
    const straight = await startTrain([...common, '--set', `out_dir=${join(tmp, 'straight')}`]).done
    expect(straight.code, straight.stderr).toBe(0)
    const first = await startTrain([...common, '--set', `out_dir=${join(tmp, 'resumed')}`, '--max-steps', String(N)])
      .done
    expect(first.code, first.stderr).toBe(0)
    expect(readdirSync(join(tmp, 'resumed', 'checkpoints')).sort()).toEqual(['ckpt-4', 'ckpt-6', 'last'])
    const second = await startTrain([...common, '--set', `out_dir=${join(tmp, 'resumed')}`, '--resume-from', 'latest'])
      .done
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain(`resuming from ${join(tmp, 'resumed', 'checkpoints', `ckpt-${N}`)} (step ${N})`)

    const a = await loadCheckpoint(join(tmp, 'straight', 'checkpoints', `ckpt-${2 * N}`))
    const b = await loadCheckpoint(join(tmp, 'resumed', 'checkpoints', `ckpt-${2 * N}`))
    expect(fingerprint(b)).toEqual(fingerprint(a))
    for (const file of ['model.safetensors', 'optimizer.safetensors']) {
      const read = (run: string) => readFileSync(join(tmp, run, 'checkpoints', `ckpt-${2 * N}`, file))
      expect(read('resumed').equals(read('straight')), file).toBe(true)
    }
    // The intermediate checkpoint both runs wrote (step 8, after the resume) matches too.
    expect(fingerprint(await loadCheckpoint(join(tmp, 'resumed', 'checkpoints', 'ckpt-8')))).toEqual(
      fingerprint(await loadCheckpoint(join(tmp, 'straight', 'checkpoints', 'ckpt-8'))),
    )

    // Every train loss and every eval metric, step for step, exactly.
    const ma = metricsByStep(join(tmp, 'straight'))
    const mb = metricsByStep(join(tmp, 'resumed'))
    expect([...mb.keys()].sort()).toEqual([...ma.keys()].sort())
    for (const [key, values] of ma) expect(mb.get(key), key).toEqual(values)
    expect(ma.has(`eval@${2 * N}`) && ma.has('eval@9')).toBe(true)

    // The ledger saw the resumed run's checkpoints committed with the manifests on disk.
    const ledger = openLedger(LEDGER)
    try {
      const rows = ledger.all<{ step: number; sha256: string; path: string }>(
        "SELECT step, sha256, path FROM checkpoints WHERE run_id = 'resumed' AND status = 'committed' ORDER BY rowid",
      )
      expect(rows.map((r) => r.step)).toEqual([4, 6, 8, 12])
      for (const r of rows.filter((x) => existsSync(x.path))) {
        expect(r.sha256).toBe(
          createHash('sha256')
            .update(readFileSync(join(r.path, 'manifest.json')))
            .digest('hex'),
        )
      }
    } finally {
      ledger.close()
    }
    recordToLedger(task, {
      events: [{ role: 'tool', level: 'info', message: 'exact resume verified', data: { steps: 2 * N, resumedAt: N } }],
    })
  })

  test('a run killed with SIGKILL at random moments and resumed each time ends bit-identical to the straight run', {
    timeout: 900_000,
  }, async ({ task }) => {
    const STEPS = 80
    const KILLS = 50
    const SEED = 424242
    const straightDir = join(tmp, 'straight-long')
    const straight = await startTrain([
      ...settings(STEPS, { eval_interval: 40, checkpoint_every: 1000 }),
      '--set',
      `out_dir=${straightDir}`,
    ]).done
    expect(straight.code, straight.stderr).toBe(0)

    // Checkpoint every step, so most kills land in or near a save.
    const killedDir = join(tmp, 'killed')
    const args = [...settings(STEPS, { eval_interval: 40, checkpoint_every: 1 }), '--set', `out_dir=${killedDir}`]
    const checkpoints = join(killedDir, 'checkpoints')
    const prng = Prng.fromSeed(SEED)
    let kills = 0
    let midSave = 0
    for (let attempt = 0; ; attempt++) {
      const resume = existsSync(checkpoints) && new CheckpointManager({ dir: checkpoints }).list().length > 0
      const killThis = kills < KILLS
      let timer: NodeJS.Timeout | undefined
      const run = startTrain([...args, ...(resume ? ['--resume-from', 'latest'] : [])], (line) => {
        // Once it trains, kill it within the next 0–40 ms.
        if (killThis && timer === undefined && /^step \d+ \|/.test(line)) {
          timer = setTimeout(() => run.child.kill('SIGKILL'), prng.nextInt(40))
        }
      })
      const result = await run.done
      clearTimeout(timer)
      const context = `attempt ${attempt} (seed ${SEED}): ${result.stderr}`
      if (result.signal === 'SIGKILL') {
        kills++
        if (readdirSync(checkpoints).some((n) => n.includes('.tmp-'))) midSave++
        const warnings: string[] = []
        const latest = await new CheckpointManager({ dir: checkpoints, warn: (w) => warnings.push(w) }).loadLatest()
        expect(warnings, context).toEqual([])
        if (resume) expect(latest, context).not.toBeNull()
        for (const name of readdirSync(checkpoints).filter((n) => /^ckpt-\d+$/.test(n))) {
          await expect(loadCheckpoint(join(checkpoints, name)), `${context} ${name}`).resolves.toBeTruthy()
        }
        continue
      }
      expect(result.code, context).toBe(0)
      break
    }
    expect(kills).toBe(KILLS)
    const a = await loadCheckpoint(join(straightDir, 'checkpoints', `ckpt-${STEPS}`))
    const b = await loadCheckpoint(join(checkpoints, `ckpt-${STEPS}`))
    expect(fingerprint(b)).toEqual(fingerprint(a))
    const ma = metricsByStep(straightDir)
    const mb = metricsByStep(killedDir)
    for (const [key, values] of ma) expect(mb.get(key), key).toEqual(values)
    recordToLedger(task, {
      events: [
        {
          role: 'tool',
          level: 'info',
          message: 'resume after SIGKILL verified',
          data: { steps: STEPS, kills, midSave, seed: SEED },
        },
      ],
    })
  })
})

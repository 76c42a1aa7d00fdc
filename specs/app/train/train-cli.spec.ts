import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { HIDE_ORT, hasStack, runTrainCli, startTrainCli } from '../../domain/train/support/run-cli.ts'
import { tempDir } from '../../support/temp-dir.ts'

const dir = tempDir('train-cli-')
const ledger = join(dir, 'ledger.db')
const TINY = 'configs/train/gpt-tiny.json'
/** A few fast steps of the smoke model. */
const FAST = [
  '--set',
  'max_iters=4',
  '--set',
  'eval_interval=2',
  '--set',
  'eval_iters=1',
  '--set',
  'checkpoint_every=2',
]

describe('npm run train (child process)', () => {
  test('--help prints usage and exits 0', async () => {
    const r = await runTrainCli(['--help'], ledger)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('usage: npm run train -- --config configs/train/<name>.json [options]')
    expect(r.stdout).toContain('--resume-from DIR|latest')
  })

  test('--dry-run prints parameter count and FLOPs/token, trains and writes nothing, loads no optional dependency', async () => {
    const out = join(dir, 'dry')
    const r = await runTrainCli(
      ['--config', TINY, '--dry-run', '--backend', 'ort-cpu', '--set', `out_dir=${out}`],
      ledger,
      { NODE_OPTIONS: HIDE_ORT },
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/parameters {4}28,480 \(27,456 without position embeddings\)/)
    expect(r.stdout).toMatch(/FLOPs\/token {3}189,312 /)
    expect(r.stdout).toMatch(/backend {7}ort-cpu, \d+ thread\(s\) \(needs onnxruntime-node; not loaded in a dry run\)/)
    expect(r.stdout).toContain('dry run: nothing was trained or written')
    expect(existsSync(out)).toBe(false)
  })

  test('an unknown key in the config file → exit 2 naming the key and the nearest valid one, no stack', async () => {
    const path = join(dir, 'typo.json')
    writeFileSync(path, JSON.stringify({ n_layers: 2 }))
    const r = await runTrainCli(['--config', path, '--dry-run'], ledger)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      `error: ${path}: unknown key "n_layers"\n  hint: did you mean "n_layer"? valid keys are in configs/schemas/train.schema.json\n`,
    )
  })

  test('an unknown --set key → exit 2 naming the nearest valid one', async () => {
    const r = await runTrainCli(['--config', TINY, '--set', 'batchsize=4', '--dry-run'], ledger)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('error: --set: unknown key "batchsize"')
    expect(r.stderr).toContain('hint: did you mean "batch_size"?')
    expect(hasStack(r.stderr)).toBe(false)
  })

  test('an unknown flag → exit 2 with the nearest flag', async () => {
    const r = await runTrainCli(['--config', TINY, '--max-step', '3'], ledger)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('did you mean --max-steps?')
    expect(hasStack(r.stderr)).toBe(false)
  })

  test('--backend ort-cpu without onnxruntime-node → one actionable message (install command, --backend ts), exit 2, no stack', async () => {
    const out = join(dir, 'no-ort')
    const r = await runTrainCli(['--config', TINY, '--backend', 'ort-cpu', '--set', `out_dir=${out}`], ledger, {
      NODE_OPTIONS: HIDE_ORT,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: backend ort-cpu needs the optional package onnxruntime-node, which is not installed\n' +
        '  hint: install it with `npm i onnxruntime-node@1.30.0`, or train on the built-in executor with `--backend ts`\n',
    )
    expect(existsSync(out)).toBe(false)
  })

  test('a run writes metrics.ndjson, checkpoints and its session, run and metrics into the ledger', async () => {
    const out = join(dir, 'run')
    const own = join(dir, 'run-ledger.db')
    const r = await runTrainCli(['--config', TINY, ...FAST, '--set', `out_dir=${out}`, '--system-metrics', 'cpu'], own)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('completed: step 4')
    expect(readdirSync(join(out, 'checkpoints')).sort()).toEqual(['ckpt-2', 'ckpt-4', 'last'])
    const db = openLedger(own)
    try {
      expect(db.all("SELECT kind, status FROM sessions WHERE kind = 'train'")).toEqual([
        { kind: 'train', status: 'passed' },
      ])
      expect(db.get('SELECT id, status, backend, seed FROM training_runs')).toEqual({
        id: 'run',
        status: 'completed',
        backend: 'ts',
        seed: 1337,
      })
      const names = db.all<{ name: string }>(
        "SELECT DISTINCT name FROM metrics WHERE name NOT LIKE 'system/%' ORDER BY name",
      )
      expect(names.map((n) => n.name)).toEqual([
        'train/grad_norm',
        'train/loss',
        'train/lr',
        'train/tokens_per_s',
        'val/accuracy',
        'val/loss',
        'val/perplexity',
      ])
      expect(db.get("SELECT COUNT(*) AS n FROM metrics WHERE name = 'train/loss'")).toEqual({ n: 4 })
      expect((db.get("SELECT COUNT(*) AS n FROM metrics WHERE name LIKE 'system/cpu_pct/%'") as { n: number }).n).toBe(
        2,
      )
      expect(db.all("SELECT step, status FROM checkpoints WHERE status = 'committed' ORDER BY step")).toEqual([
        { step: 2, status: 'committed' },
        { step: 4, status: 'committed' },
      ])
      expect(db.all('SELECT kind FROM artifacts ORDER BY kind')).toEqual([
        { kind: 'metrics' },
        { kind: 'system-metrics' },
      ])
    } finally {
      db.close()
    }
  }, 120_000)

  test('a broken ledger (not a SQLite database) is one warning naming it; the run still trains, exit 0', async () => {
    const out = join(dir, 'broken-ledger-run')
    const broken = join(dir, 'garbage.db')
    writeFileSync(broken, 'not a database, but long enough to have a header..........................\n'.repeat(20))
    const r = await runTrainCli(['--config', TINY, ...FAST, '--set', `out_dir=${out}`], broken)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('completed: step 4')
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: ledger ${broken} unavailable \\(ledger ${broken} is not a SQLite database .*\\); metrics go to metrics\\.ndjson only\n$`,
      ),
    )
    expect(existsSync(join(out, 'metrics.ndjson'))).toBe(true)
  }, 120_000)

  test('--max-steps stops and saves; --resume-from latest continues the same run folder', async () => {
    const out = join(dir, 'resume')
    const first = await runTrainCli(['--config', TINY, ...FAST, '--set', `out_dir=${out}`, '--max-steps', '3'], ledger)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('stopped: step 3')
    const second = await runTrainCli(
      ['--config', TINY, ...FAST, '--set', `out_dir=${out}`, '--resume-from', 'latest'],
      ledger,
    )
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(`resuming from ${join(out, 'checkpoints', 'ckpt-3')}`)
    expect(second.stdout).toContain('completed: step 4')
  }, 120_000)

  test('Ctrl-C finishes the step, saves a checkpoint and exits 130', async () => {
    const out = join(dir, 'sigint')
    const own = join(dir, 'sigint-ledger.db')
    const child = startTrainCli(['--config', TINY, '--set', 'max_iters=100000', '--set', `out_dir=${out}`], own)
    let stdout = ''
    let stderr = ''
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    const code = await new Promise<number | null>((resolve) => {
      child.stdout?.on('data', (d) => {
        stdout += d
        if (stdout.includes('step 1 |') && !child.killed) child.kill('SIGINT')
      })
      child.on('exit', (c) => resolve(c))
    })
    expect(stderr).toContain('SIGINT: finishing the current step and saving a checkpoint')
    expect(code).toBe(130)
    const saved = readdirSync(join(out, 'checkpoints')).filter((n) => n.startsWith('ckpt-'))
    expect(saved).toHaveLength(1)
    const db = openLedger(own)
    try {
      expect(db.get("SELECT status FROM sessions WHERE kind = 'train'")).toEqual({ status: 'interrupted' })
      expect(db.get('SELECT status FROM training_runs')).toEqual({ status: 'interrupted' })
    } finally {
      db.close()
    }
  }, 120_000)
})

describe('npm run train -- sweep', () => {
  test('prints the override matrix with config hashes; --run trains every combination', async () => {
    const listing = await runTrainCli(
      ['sweep', '--config', TINY, '--grid', 'learning_rate=0.01,0.003', '--grid', 'n_layer=1,2'],
      ledger,
    )
    expect(listing.code).toBe(0)
    const rows = listing.stdout.split('\n').filter((l) => /^\d+ {2}/.test(l))
    expect(rows.map((l) => l.split(/\s{2,}/)[1])).toEqual([
      'learning_rate=0.01 n_layer=1',
      'learning_rate=0.01 n_layer=2',
      'learning_rate=0.003 n_layer=1',
      'learning_rate=0.003 n_layer=2',
    ])
    expect(listing.stdout).toContain('4 runs; add --run to train them')
    const run = await runTrainCli(
      [
        'sweep',
        '--config',
        TINY,
        '--grid',
        'seed=1,2',
        '--set',
        'max_iters=2',
        '--set',
        'eval_iters=1',
        '--set',
        `out_dir=${join(dir, 'sweep')}`,
        '--run',
      ],
      ledger,
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('sweep done: 2/2 runs finished')
    expect(readdirSync(join(dir, 'sweep')).sort()).toEqual(['0', '1'])
  }, 120_000)

  test('an unknown grid key → exit 2 with the nearest', async () => {
    const r = await runTrainCli(['sweep', '--config', TINY, '--grid', 'learningrate=1,2'], ledger)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('did you mean "learning_rate"?')
    expect(hasStack(r.stderr)).toBe(false)
  })
})

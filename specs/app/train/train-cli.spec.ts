import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { processAlive } from '../../../src/foundation/process/process-alive.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { HIDE_ORT, hasStack, parentOf, runTrainCli, startTrainCli } from '../../domain/train/support/run-cli.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { trainedRun } from './trained-run.ts'

const dir = tempDir('train-cli-')
const ledger = join(dir, 'ledger.db')
const TINY = 'configs/train/gpt-tiny.json'
/** A run that would go on for a long time: the process specs stop it. */
const LONG = ['--set', 'max_iters=100000', '--set', 'checkpoint_every=0']

/** The pid in a run folder's train.lock: the trainer's. */
function holderOf(out: string): number {
  return (JSON.parse(readFileSync(join(out, 'train.lock'), 'utf8')) as { pid: number }).pid
}

/** The only train session and run in `ledgerPath` ended interrupted. */
function expectInterrupted(ledgerPath: string): void {
  const db = openLedger(ledgerPath)
  try {
    expect(db.get("SELECT status FROM sessions WHERE kind = 'train'")).toEqual({ status: 'interrupted' })
    expect(db.get('SELECT status FROM training_runs')).toEqual({ status: 'interrupted' })
  } finally {
    db.close()
  }
}

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
    expect(r.stdout).toContain('usage: npm run train -- [command] [options]')
    expect(r.stdout).toContain('--resume-from <DIR|latest>')
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

  test('--set dataset=<a folder> → exit 2 naming the field and the fix, no stack', async () => {
    const r = await runTrainCli(['--config', TINY, '--set', 'dataset=configs', '--dry-run'], ledger)
    expect(r.stderr).toBe(
      'error: dataset configs is a folder, not a text file\n' +
        '  hint: set "dataset" in the config (or --set dataset=…) to one UTF-8 text file, e.g. configs/<corpus>.txt or configs/corpus/fables.txt\n',
    )
    expect(r.code).toBe(2)
  })

  test('a schema-valid config of 77 billion parameters is refused before allocating: exit 2 with the estimate, the machine memory and the fields to shrink', async () => {
    const out = join(dir, 'huge')
    const huge = ['--config', TINY, '--set', 'n_layer=96', '--set', 'n_embd=8192', '--set', 'n_head=64']
    const r = await runTrainCli([...huge, '--set', `out_dir=${out}`], ledger)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^error: the config needs at least 9\d\d\.\d GB to train \(9\d\d\.\d GB for 77,\d{3},\d{3},\d{3} parameters and their AdamW moments\), but this machine has \d+\.\d GB \((RAM|cgroup limit)\)\n {2}hint: shrink n_layer \(96\) or n_embd \(8192\): parameters grow as 12·n_layer·n_embd²; e\.g\. --set n_layer=… --set n_embd=…, and check with --dry-run\n$/,
    )
    expect(existsSync(out)).toBe(false)
    // --dry-run prints the plan with the same estimate, then refuses the same way
    const dry = await runTrainCli([...huge, '--dry-run'], ledger)
    expect(dry.code).toBe(2)
    expect(dry.stdout).toMatch(/parameters {4}77,\d{3},\d{3},\d{3} /)
    expect(dry.stdout).toMatch(
      /memory \(ts\) {3}[\d.]+ MB of buffers \+ [\d.]+ MB of parameters and moments = [\d.]+ MB; this machine has/,
    )
    expect(dry.stderr).toMatch(
      /^error: the config needs at least \d+\.\d GB to train \(9\d\d\.\d GB for 77,\d{3},\d{3},\d{3} parameters and their AdamW moments \+ \d+\.\d GB of step and eval buffers\)/,
    )
  }, 120_000)

  test('export --out into a missing folder → exit 2 naming --out and the fix (was BUG:, exit 3)', async () => {
    const run = await trainedRun(dir)
    const missing = join(dir, 'missing', 'model.onnx')
    const r = await runTrainCli(['export', '--checkpoint', run, '--out', missing], ledger)
    expect(r.stderr).toBe(
      `error: --out ${missing}: the folder ${join(dir, 'missing')} does not exist\n` +
        `  hint: create it first (mkdir -p ${join(dir, 'missing')}) or write into an existing folder\n`,
    )
    expect(r.code).toBe(2)
    const onto = await runTrainCli(['export', '--checkpoint', run, '--out', dir], ledger)
    expect(onto.stderr).toContain(`error: --out ${dir} is a folder; it takes the path of the .onnx file to write`)
    expect(onto.code).toBe(2)
  }, 120_000)

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
    const cli = startTrainCli(['--config', TINY, ...LONG, '--set', `out_dir=${out}`], own)
    await cli.until(/step 1 \|/)
    const trainer = holderOf(out)
    cli.child.kill('SIGINT')
    // Wait for the trainer, not only tsx: on a loaded machine tsx SIGKILLs a relay that is slow to
    // acknowledge and exits 130 at once, while the trainer is still finishing its step.
    const { code } = await cli.closed
    expect(code).toBe(130)
    expect(cli.stderr()).toMatch(
      /(SIGINT|process \d+ that started this trainer is gone): finishing the current step and saving a checkpoint/,
    )
    expect(processAlive(trainer)).toBe(false)
    expect(readdirSync(join(out, 'checkpoints')).filter((n) => n.startsWith('ckpt-'))).toHaveLength(1)
    expect(existsSync(join(out, 'train.lock'))).toBe(false)
    expectInterrupted(own)
  }, 120_000)

  describe.skipIf(process.platform !== 'linux')(
    'the trainer ends with the processes that started it (Linux /proc)',
    () => {
      test('SIGKILL of the relay (as tsx does to a relay slow to acknowledge): the trainer notices, saves, marks the run interrupted', async () => {
        const out = join(dir, 'relay-killed')
        const own = join(dir, 'relay-killed.db')
        const cli = startTrainCli(['--config', TINY, ...LONG, '--set', `out_dir=${out}`], own)
        await cli.until(/step 1 \|/)
        const trainer = holderOf(out)
        const relay = parentOf(trainer) as number
        expect(parentOf(relay)).toBe(cli.child.pid)
        try {
          process.kill(relay, 'SIGKILL')
          await cli.closed
          expect(cli.stderr()).toContain(
            `process ${relay} that started this trainer is gone: finishing the current step and saving a checkpoint`,
          )
          expect(processAlive(trainer)).toBe(false)
          expect(readdirSync(join(out, 'checkpoints')).filter((n) => n.startsWith('ckpt-'))).toHaveLength(1)
          expectInterrupted(own)
        } finally {
          if (processAlive(trainer)) process.kill(trainer, 'SIGKILL')
        }
      }, 120_000)

      test('SIGKILL of the process group (a CI timeout, an IDE stop) ends the trainer too', async () => {
        const out = join(dir, 'group-killed')
        const cli = startTrainCli(['--config', TINY, ...LONG, '--set', `out_dir=${out}`], ledger, { detached: true })
        await cli.until(/step 1 \|/)
        const trainer = holderOf(out)
        try {
          process.kill(-(cli.child.pid as number), 'SIGKILL')
          await cli.closed
          await vi.waitFor(() => expect(processAlive(trainer)).toBe(false))
        } finally {
          if (processAlive(trainer)) process.kill(trainer, 'SIGKILL')
        }
      }, 120_000)

      test('SIGHUP of the process group (a closed terminal): the trainer saves a checkpoint and exits, the run interrupted', async () => {
        const out = join(dir, 'hangup')
        const own = join(dir, 'hangup.db')
        const cli = startTrainCli(['--config', TINY, ...LONG, '--set', `out_dir=${out}`], own, { detached: true })
        await cli.until(/step 1 \|/)
        const trainer = holderOf(out)
        try {
          process.kill(-(cli.child.pid as number), 'SIGHUP')
          await cli.closed
          expect(cli.stderr()).toContain('SIGHUP: finishing the current step and saving a checkpoint')
          expect(processAlive(trainer)).toBe(false)
          expect(readdirSync(join(out, 'checkpoints')).filter((n) => n.startsWith('ckpt-'))).toHaveLength(1)
          expectInterrupted(own)
        } finally {
          if (processAlive(trainer)) process.kill(trainer, 'SIGKILL')
        }
      }, 120_000)
    },
  )

  test('a second trainer on the same run folder exits 2 naming the holder; a lock left by a dead pid is taken over', async () => {
    const out = join(dir, 'locked')
    const cli = startTrainCli(['--config', TINY, ...LONG, '--set', `out_dir=${out}`], ledger)
    await cli.until(/step 1 \|/)
    const holder = holderOf(out)
    try {
      const second = await runTrainCli(['--config', TINY, ...FAST, '--set', `out_dir=${out}`], ledger)
      expect(second.code).toBe(2)
      expect(second.stderr).toContain(`error: run folder ${out} is in use by another trainer (pid ${holder}, since `)
      expect(second.stderr).toContain(`hint: wait for it or stop it (kill -INT ${holder})`)
    } finally {
      cli.child.kill('SIGINT')
      await cli.closed
    }
    const stale = join(dir, 'stale-lock')
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    mkdirSync(stale)
    writeFileSync(
      join(stale, 'train.lock'),
      JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started_at: '2020-01-01T00:00:00.000Z' }),
    )
    const r = await runTrainCli(['--config', TINY, ...FAST, '--set', `out_dir=${stale}`], ledger)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe(
      `warning: ${join(stale, 'train.lock')} was left by pid ${dead.stdout}, which no longer runs; taking it over\n`,
    )
    expect(existsSync(join(stale, 'train.lock'))).toBe(false)
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

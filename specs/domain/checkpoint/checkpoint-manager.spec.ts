import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, test, vi } from 'vitest'
import { CheckpointManager, type CheckpointManagerOptions } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { encodeManifest } from '../../../src/domain/checkpoint/manifest.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { rawSqlite } from '../../support/raw-sqlite.ts'
import { sameState, syntheticState, TINY_SHAPES } from './synthetic-state.ts'

const tmp = mkdtempSync(join(tmpdir(), 'ckpt-mgr-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
let counter = 0

/** A manager on a fresh run folder, collecting warnings. */
function manager(options: Partial<CheckpointManagerOptions> = {}) {
  const dir = options.dir ?? join(tmp, `run-${++counter}`)
  const warnings: string[] = []
  const m = new CheckpointManager({ dir, runId: 'run', warn: (w) => warnings.push(w), ...options })
  return { m, dir, warnings }
}

const steps = (dir: string) =>
  readdirSync(dir)
    .filter((n) => /^ckpt-\d+$/.test(n))
    .map((n) => Number(n.slice(5)))
    .sort((a, b) => a - b)

describe('CheckpointManager', () => {
  test('save commits the folder, records writing → committed in the ledger and moves the last pointer', async () => {
    const ledger = openLedger(join(tmp, 'ledger-a.db'))
    try {
      const { m, dir } = manager({ ledger, monitor: 'val_loss' })
      const path = await m.save(syntheticState(10), { val_loss: 2.5 })
      expect(path).toBe(join(dir, 'ckpt-10'))
      expect(m.lastPointer()).toBe('ckpt-10')
      const rows = ledger.all<Record<string, unknown>>(
        'SELECT run_id, step, path, sha256, metric, kept, status FROM checkpoints',
      )
      const manifestSha = (await import('node:crypto'))
        .createHash('sha256')
        .update(readFileSync(join(path, 'manifest.json')))
        .digest('hex')
      expect(rows).toEqual([
        { run_id: 'run', step: 10, path, sha256: null, metric: 2.5, kept: 1, status: 'writing' },
        { run_id: 'run', step: 10, path, sha256: manifestSha, metric: 2.5, kept: 1, status: 'committed' },
      ])
    } finally {
      ledger.close()
    }
  })

  test('loadLatest returns the newest commit, bit-identical; null for an empty or missing folder', async () => {
    const { m, dir } = manager()
    expect(await m.loadLatest()).toBeNull()
    const states = [syntheticState(1), syntheticState(2), syntheticState(3)]
    for (const s of states) await m.save(s, {})
    const latest = await new CheckpointManager({ dir }).loadLatest()
    expect(latest?.path).toBe(join(dir, 'ckpt-3'))
    expect(sameState(latest?.state as never, states[2] as never)).toBe(true)
  })

  test('skips a corrupt or partial newest checkpoint with a warning and a ledger event, using the next older one', async () => {
    const ledger = openLedger(join(tmp, 'ledger-b.db'))
    try {
      const { m, dir, warnings } = manager({ ledger, sessionId: 'sess-1' })
      for (const step of [1, 2, 3]) await m.save(syntheticState(step), {})
      const model = join(dir, 'ckpt-3', 'model.safetensors')
      const bytes = readFileSync(model)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
      writeFileSync(model, bytes)
      rmSync(join(dir, 'ckpt-2', 'manifest.json')) // a folder without its manifest
      const latest = await m.loadLatest()
      expect(latest?.path).toBe(join(dir, 'ckpt-1'))
      expect(warnings).toEqual([
        expect.stringMatching(
          /^skipping checkpoint ckpt-3: safetensors ckpt-3\/model.safetensors: sha256 is [0-9a-f]{64} but the manifest says [0-9a-f]{64}$/,
        ),
        'skipping checkpoint ckpt-2: ckpt-2/manifest.json is missing',
      ])
      const events = ledger.all<{ session_id: string; level: string; message: string; data_json: string }>(
        'SELECT session_id, level, message, data_json FROM events ORDER BY id',
      )
      expect(events.map((e) => [e.session_id, e.level, e.message])).toEqual([
        ['sess-1', 'warn', warnings[0]],
        ['sess-1', 'warn', warnings[1]],
      ])
      expect(JSON.parse(events[0]?.data_json ?? '{}')).toEqual({
        run_id: 'run',
        path: join(dir, 'ckpt-3'),
        code: 'SAFETENSORS_INVALID',
      })
    } finally {
      ledger.close()
    }
  })

  test('never uses leftover temp folders, and removes them when a writer starts', async () => {
    const { m, dir } = manager()
    await m.save(syntheticState(1), {})
    cpSync(join(dir, 'ckpt-1'), join(dir, 'ckpt-9.tmp-abc123'), { recursive: true })
    mkdirSync(join(dir, 'ckpt-7.tmp-deleted-x'))
    writeFileSync(join(dir, 'last.tmp-0f0f'), 'ckpt-9\n')
    writeFileSync(join(dir, 'notes.tmp-keep'), 'not ours')
    expect((await m.loadLatest())?.path).toBe(join(dir, 'ckpt-1'))
    const fresh = manager({ dir }).m
    expect(fresh.cleanupTemp().sort()).toEqual(['ckpt-7.tmp-deleted-x', 'ckpt-9.tmp-abc123', 'last.tmp-0f0f'])
    expect(readdirSync(dir).sort()).toEqual(['ckpt-1', 'last', 'notes.tmp-keep'])
  })

  test('keeps the best k by the monitored metric (NaN worst), the last n and every m-th step; records deletions', async () => {
    const ledger = openLedger(join(tmp, 'ledger-c.db'))
    try {
      const { m, dir } = manager({ ledger, monitor: 'val_loss', mode: 'min', keepBest: 2, keepLast: 1, keepEvery: 50 })
      const losses: Record<number, number> = { 10: 3, 20: 1, 30: Number.NaN, 40: 2, 50: 5, 60: 4, 70: Number.NaN }
      for (const [step, loss] of Object.entries(losses)) await m.save(syntheticState(Number(step)), { val_loss: loss })
      expect(steps(dir)).toEqual([20, 40, 50, 70])
      const deleted = ledger.all<{ step: number; kept: number; metric: number | null }>(
        "SELECT step, kept, metric FROM checkpoints WHERE status = 'deleted' ORDER BY rowid",
      )
      expect(deleted.map((r) => r.step).sort((a, b) => a - b)).toEqual([10, 30, 60])
      expect(deleted.every((r) => r.kept === 0)).toBe(true)
      expect(deleted.find((r) => r.step === 30)?.metric).toBeNull() // NaN is stored as NULL
      const state = JSON.parse(readFileSync(join(dir, 'ckpt-70', 'trainer_state.json'), 'utf8'))
      expect(state.best_checkpoint).toBe('ckpt-20')
      expect(state.metrics).toEqual({ val_loss: 'NaN' })
    } finally {
      ledger.close()
    }
  })

  test('max mode, and retention sees checkpoints written by an earlier process', async () => {
    const first = manager({ monitor: 'acc', mode: 'max', keepBest: 1 })
    await first.m.save(syntheticState(1), { acc: 0.9 })
    await first.m.save(syntheticState(2), { acc: 0.5 })
    const second = manager({ dir: first.dir, monitor: 'acc', mode: 'max', keepBest: 1 })
    await second.m.save(syntheticState(3), { acc: 0.7 })
    await second.m.save(syntheticState(4), { acc: 0.8 })
    expect(steps(first.dir)).toEqual([1, 4])
  })

  test('keeps every checkpoint when no keep rule is given', async () => {
    const { m, dir } = manager({ monitor: 'loss' })
    for (const step of [1, 2, 3, 4]) await m.save(syntheticState(step), { loss: step })
    expect(steps(dir)).toEqual([1, 2, 3, 4])
  })

  test('never deletes the checkpoint being resumed from, and latest follows the resumed timeline', async () => {
    const { m, dir } = manager({ keepLast: 1 })
    for (const step of [10, 20]) await m.save(syntheticState(step), {})
    await m.save(syntheticState(30), {})
    expect(steps(dir)).toEqual([30])
    const { m: resumed, warnings } = manager({ dir, keepLast: 1 })
    await resumed.save(syntheticState(40), {})
    const back = await resumed.resumeFrom('ckpt-40')
    expect(back.state.step).toBe(40)
    await resumed.save(syntheticState(41), {})
    await resumed.save(syntheticState(42), {})
    expect(steps(dir)).toEqual([40, 42])

    const { m: older, warnings: olderWarnings } = manager({ dir, keepLast: 5 })
    await older.resumeFrom(join(dir, 'ckpt-40'))
    expect(olderWarnings).toEqual([
      'resuming from ckpt-40 while ckpt-42 exist: those belong to the abandoned continuation and are replaced as their steps are reached again',
    ])
    await older.save(syntheticState(41, { seed: 7 }), {})
    expect((await older.loadLatest())?.state.step).toBe(41) // committed last, although 42 is a higher step
    expect(warnings).toEqual([])
  })

  test('resumeFrom accepts latest, a bare name, a relative and an absolute path inside the run', async () => {
    const { m, dir } = manager()
    await m.save(syntheticState(5), {})
    await m.save(syntheticState(6), {})
    expect((await m.resumeFrom('latest')).state.step).toBe(6)
    expect((await m.resumeFrom('ckpt-5')).state.step).toBe(5)
    expect((await m.resumeFrom(relative(process.cwd(), join(dir, 'ckpt-5')))).state.step).toBe(5)
    expect((await m.resumeFrom(join(dir, 'ckpt-6'))).path).toBe(join(dir, 'ckpt-6'))
  })

  test('resumeFrom refuses paths that escape the run folder, and says what to pass', async () => {
    const { m, dir } = manager()
    await m.save(syntheticState(1), {})
    const other = manager()
    await other.m.save(syntheticState(1), {})
    symlinkSync(join(other.dir, 'ckpt-1'), join(dir, 'ckpt-2'))
    await expect(m.resumeFrom(join(other.dir, 'ckpt-1'))).rejects.toMatchObject({
      code: 'CHECKPOINT_PATH',
      message: `--resume-from ${join(other.dir, 'ckpt-1')} resolves to ${join(other.dir, 'ckpt-1')}, which is not a ckpt-<step> folder of this run (${dir})`,
      hint: `pass a ckpt-<step> folder under ${dir}, or latest`,
    })
    await expect(m.resumeFrom('ckpt-1/../../')).rejects.toMatchObject({ code: 'CHECKPOINT_PATH' })
    await expect(m.resumeFrom('ckpt-2')).rejects.toThrow(
      /resolves to .*run-\d+\/ckpt-1, which is not a ckpt-<step> folder of this run/,
    )
    await expect(m.resumeFrom('ckpt-99')).rejects.toThrow(/^--resume-from ckpt-99: no such checkpoint \(looked at /)
    await expect(manager().m.resumeFrom('latest')).rejects.toMatchObject({ code: 'CHECKPOINT_NONE' })
  })

  test('refuses a checkpoint of another config unless allowConfigChange, which is warned and recorded', async () => {
    const ledger = openLedger(join(tmp, 'ledger-d.db'))
    try {
      const { m, dir } = manager()
      const state = syntheticState(3)
      await m.save(state, {})
      const strict = manager({ dir, configHash: 'f'.repeat(64) }).m
      await expect(strict.resumeFrom('latest')).rejects.toMatchObject({
        code: 'CHECKPOINT_CONFIG',
        message: `ckpt-3/trainer_state.json was written with config hash ${state.configHash.slice(0, 12)}… but this run's config hashes to ffffffffffff…`,
      })
      const lenient = manager({ dir, configHash: 'f'.repeat(64), allowConfigChange: true, ledger })
      await expect(lenient.m.resumeFrom('latest')).resolves.toMatchObject({ path: join(dir, 'ckpt-3') })
      expect(lenient.warnings).toEqual([
        `config changed on resume from ckpt-3: ${state.configHash.slice(0, 12)}… → ffffffffffff…`,
      ])
      expect(ledger.all<{ message: string }>('SELECT message FROM events').map((e) => e.message)).toEqual(
        lenient.warnings,
      )
    } finally {
      ledger.close()
    }
  })

  test('refuses tensors whose names or shapes do not match the model', async () => {
    const { m, dir } = manager()
    await m.save(syntheticState(3), {})
    const wider = { ...TINY_SHAPES, 'lm_head.weight': [16, 9] }
    await expect(manager({ dir, expectedShapes: wider }).m.resumeFrom('latest')).rejects.toMatchObject({
      code: 'CHECKPOINT_SHAPE',
      message: 'ckpt-3/model.safetensors: tensor "lm_head.weight" is [16, 8] but the model expects [16, 9]',
    })
    const { 'lm_head.weight': _dropped, ...fewer } = TINY_SHAPES
    await expect(manager({ dir, expectedShapes: { ...fewer, extra: [1] } }).m.resumeFrom('ckpt-3')).rejects.toThrow(
      'ckpt-3/model.safetensors does not match the model: missing extra; unexpected lm_head.weight',
    )
    await expect(manager({ dir, expectedShapes: TINY_SHAPES }).m.resumeFrom('ckpt-3')).resolves.toBeTruthy()
  })

  test('a ledger that cannot be written warns instead of failing a committed save', async () => {
    const ledger = openLedger(join(tmp, 'ledger-e.db'))
    ledger.close()
    const { m, dir, warnings } = manager({ ledger })
    await expect(m.save(syntheticState(1), {})).resolves.toBe(join(dir, 'ckpt-1'))
    expect(warnings[0]).toMatch(/^could not record checkpoints in the ledger: /)
    expect(existsSync(join(dir, 'ckpt-1', 'manifest.json'))).toBe(true)
  })

  test('serializes overlapping saves', async () => {
    const { m, dir } = manager({ keepLast: 2 })
    await Promise.all([1, 2, 3, 4].map((step) => m.save(syntheticState(step), {})))
    expect(steps(dir)).toEqual([3, 4])
  })

  test('a checkpoint of a newer format is not skipped as damaged: loadLatest stops with the version error', async () => {
    const { m, dir, warnings } = manager()
    await m.save(syntheticState(1), {})
    await m.save(syntheticState(2), {})
    // What a newer codex-gates would write: valid files, a format_version this one does not read.
    const path = join(dir, 'ckpt-2')
    const statePath = join(path, 'trainer_state.json')
    writeFileSync(statePath, readFileSync(statePath, 'utf8').replace('"format_version": 1', '"format_version": 2'))
    const entry = (name: string) => {
      const bytes = readFileSync(join(path, name))
      return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }
    }
    const names = ['model.safetensors', 'optimizer.safetensors', 'trainer_state.json']
    writeFileSync(join(path, 'manifest.json'), encodeManifest(2, Object.fromEntries(names.map((n) => [n, entry(n)]))))
    await expect(m.loadLatest()).rejects.toMatchObject({
      code: 'CHECKPOINT_VERSION',
      message: 'ckpt-2/trainer_state.json format_version 2 is not supported (this codex-gates reads 1)',
      hint: 'resume with the codex-gates version that wrote the checkpoint',
    })
    expect(warnings).toEqual([])
  })

  test('checkpoints whose state cannot be read are reported first, the higher step first, then skipped', async () => {
    const { m, dir, warnings } = manager()
    for (const step of [1, 2, 3]) await m.save(syntheticState(step), {})
    rmSync(join(dir, 'ckpt-1', 'trainer_state.json'))
    writeFileSync(join(dir, 'ckpt-2', 'trainer_state.json'), '{"created_at": 7}')
    expect((await m.loadLatest())?.path).toBe(join(dir, 'ckpt-3'))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^skipping checkpoint ckpt-2: ckpt-2\/trainer_state.json is \d+ bytes but the manifest says \d+$/,
      ),
      'skipping checkpoint ckpt-1: ckpt-1/trainer_state.json is missing',
    ])
  })

  test('retention never deletes a folder whose state it cannot read', async () => {
    const { m, dir } = manager()
    await m.save(syntheticState(1), {})
    writeFileSync(join(dir, 'ckpt-1', 'trainer_state.json'), 'not json')
    const later = manager({ dir, keepLast: 1 }).m // a later process, which never saw ckpt-1 intact
    for (const step of [2, 3, 4]) await later.save(syntheticState(step), {})
    expect(steps(dir)).toEqual([1, 4])
  })

  test('best_checkpoint is null while no checkpoint carries the monitored metric', async () => {
    const { m, dir } = manager({ monitor: 'val_loss' })
    await m.save(syntheticState(1), { train_loss: 2 })
    const state = JSON.parse(readFileSync(join(dir, 'ckpt-1', 'trainer_state.json'), 'utf8'))
    expect([state.monitor, state.best_checkpoint, state.metrics]).toEqual(['val_loss', null, { train_loss: 2 }])
  })

  test('lastPointer is null when the pointer names no checkpoint folder', async () => {
    const { m, dir } = manager()
    await m.save(syntheticState(1), {})
    expect(m.lastPointer()).toBe('ckpt-1')
    writeFileSync(join(dir, 'last'), 'ckpt-1.tmp-abc\n')
    expect(m.lastPointer()).toBeNull()
    rmSync(join(dir, 'last'))
    expect(m.lastPointer()).toBeNull()
  })

  test('warns on stderr when no warn callback is given', async () => {
    const dir = join(tmp, `run-${++counter}`)
    await new CheckpointManager({ dir }).save(syntheticState(1), {})
    rmSync(join(dir, 'ckpt-1', 'manifest.json'))
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      expect(await new CheckpointManager({ dir }).loadLatest()).toBeNull()
      expect(write.mock.calls.map((c) => c[0])).toEqual([
        'warning: skipping checkpoint ckpt-1: ckpt-1/manifest.json is missing\n',
      ])
    } finally {
      write.mockRestore()
    }
  })

  test('a ledger bug (a row the schema cannot hold) fails the save instead of being warned away', async () => {
    openLedger(join(tmp, 'ledger-f.db')).close()
    const raw = rawSqlite(join(tmp, 'ledger-f.db'))
    raw.exec('ALTER TABLE checkpoints RENAME COLUMN status TO state')
    raw.close()
    const ledger = openLedger(join(tmp, 'ledger-f.db'))
    try {
      const { m, dir, warnings } = manager({ ledger })
      await expect(m.save(syntheticState(1), {})).rejects.toThrow('BUG: ledger table checkpoints has no column status')
      expect(warnings).toEqual([])
      expect(existsSync(join(dir, 'ckpt-1'))).toBe(false)
    } finally {
      ledger.close()
    }
  })

  test.each([
    [{ keepLast: -1 }, 'keepLast must be a non-negative integer, got -1'],
    [{ keepBest: 2 }, 'keepBest needs a monitor metric'],
    [{ mode: 'avg' as never }, 'mode must be "min" or "max", got "avg"'],
  ])('validates options: %o', (options, message) => {
    expect(() => new CheckpointManager({ dir: tmp, ...options })).toThrow(message)
  })
})

// Fault spec: a child that saves checkpoints in a loop is killed with SIGKILL at random moments,
// over and over on the same run folder. After every kill, loadLatest must return a complete,
// correct checkpoint (never a partial one), every committed folder must verify, and ledger rows
// must never describe content other than what is on disk. SIGKILL keeps the page cache, so this
// tests atomicity of the commit protocol, not durability across power loss (fsync's part).
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { CheckpointManager } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { loadCheckpoint } from '../../../src/domain/checkpoint/load-checkpoint.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'
import { recordToLedger } from '../../../src/ledger/ledger-meta.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { faultState, sameState } from './synthetic-state.ts'

const TRIALS = 50
const SEED = 20261122
const CHILD = join(import.meta.dirname, 'save-loop.child.ts')
const tmp = mkdtempSync(join(tmpdir(), 'ckpt-fault-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Starts the child; resolves with the last step it reported once it has reported `minSaves` commits. */
function startChild(dir: string, ledgerPath: string, minSaves: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(SEED)], {
    env: { ...process.env, CODEX_LEDGER: ledgerPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let lastSaved = -1
  let saves = 0
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      for (const match of d.toString().matchAll(/saved (\d+)/g)) {
        lastSaved = Number(match[1])
        if (++saves === minSaves) resolve()
      }
    })
    child.on('exit', (code, signal) => reject(new Error(`child exited early (${code ?? signal}): ${stderr}`)))
  })
  return { child, ready, lastSaved: () => lastSaved, stderr: () => stderr }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
}

describe('checkpoint commit under SIGKILL', () => {
  test(`loadLatest returns a complete, correct checkpoint after each of ${TRIALS} kills`, { timeout: 600_000 }, async ({
    task,
  }) => {
    const dir = join(tmp, 'run')
    const ledgerPath = join(tmp, 'ledger.db')
    const prng = Prng.fromSeed(SEED)
    let killedMidWrite = 0
    let maxStep = -1
    for (let trial = 0; trial < TRIALS; trial++) {
      const run = startChild(dir, ledgerPath, 1)
      await run.ready
      // Kill somewhere in the next 0–150 ms: saves of ~3 MiB follow one another back to back.
      await new Promise((resolve) => setTimeout(resolve, prng.nextInt(150)))
      run.child.kill('SIGKILL')
      await exited(run.child)
      const context = `trial ${trial} (seed ${SEED}), child stderr: ${run.stderr()}`
      if (readdirSync(dir).some((n) => n.includes('.tmp-'))) killedMidWrite++

      const warnings: string[] = []
      const latest = await new CheckpointManager({ dir, warn: (w) => warnings.push(w) }).loadLatest()
      expect(latest, context).not.toBeNull()
      expect(warnings, context).toEqual([])
      const step = latest?.state.step as number
      expect(step, context).toBeGreaterThanOrEqual(run.lastSaved())
      expect(sameState(latest?.state as never, faultState(step, SEED)), context).toBe(true)
      maxStep = Math.max(maxStep, step)

      // Every folder that looks committed is complete; none is partial.
      for (const name of readdirSync(dir).filter((n) => /^ckpt-\d+$/.test(n))) {
        await expect(loadCheckpoint(join(dir, name)), `${context}: ${name}`).resolves.toBeTruthy()
      }
    }

    // The ledger never describes content other than what is on disk: each folder still present
    // matches its last committed row, or its commit was cut off before the row was written.
    const ledger = openLedger(ledgerPath)
    try {
      const rows = ledger.all<{ step: number; sha256: string }>(
        "SELECT step, sha256 FROM checkpoints WHERE run_id = 'fault' AND status = 'committed' ORDER BY rowid",
      )
      const lastRow = new Map(rows.map((r) => [r.step, r.sha256]))
      for (const name of readdirSync(dir).filter((n) => /^ckpt-\d+$/.test(n))) {
        const sha = createHash('sha256')
          .update(readFileSync(join(dir, name, 'manifest.json')))
          .digest('hex')
        const recorded = lastRow.get(Number(name.slice(5)))
        if (recorded !== undefined) expect(recorded, name).toBe(sha)
      }
      expect(rows.length).toBeGreaterThan(TRIALS)
    } finally {
      ledger.close()
    }
    expect(existsSync(join(dir, 'last'))).toBe(true)
    // Evidence the kills landed inside saves, not only between them (about a third do; 5 of 50
    // keeps this from flaking on a loaded machine).
    expect(killedMidWrite).toBeGreaterThanOrEqual(5)
    recordToLedger(task, {
      events: [
        {
          role: 'tool',
          level: 'info',
          message: 'checkpoint SIGKILL fault trials',
          data: { trials: TRIALS, seed: SEED, killedMidWrite, maxStep },
        },
      ],
    })
  })
})

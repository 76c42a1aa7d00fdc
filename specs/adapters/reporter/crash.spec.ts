import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { processAlive } from '../../../src/foundation/process/process-alive.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Starts the hang fixture under the ledger reporter; resolves once its session is `running`. */
async function startHangingRun(ledgerPath: string) {
  const child = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [
      join(REPO_ROOT, 'specs', 'adapters', 'reporter', 'run-fixture-vitest.ts'),
      join(REPO_ROOT, 'specs', 'fixtures', 'reporter', 'hang'),
    ],
    { env: childEnv(ledgerPath), stdio: 'ignore', detached: true },
  )
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const running = await waitFor(() => {
    try {
      const ledger = openLedger(ledgerPath, { reapAborted: false })
      const row = ledger.get<{ id: string; pid: number; status: string }>(
        "SELECT id, pid, status FROM sessions WHERE status = 'running'",
      )
      ledger.close()
      return row
    } catch {
      return undefined // not created yet
    }
  }, 30_000).catch((error: unknown) => {
    process.kill(-(child.pid as number), 'SIGKILL')
    throw error
  })
  return { child, exited, running }
}

describe('a Vitest process killed mid-run', () => {
  test('leaves a running session that the next open marks aborted', async () => {
    const ledgerPath = join(tempDir('crash-'), 'ledger.db')
    const { child, exited, running } = await startHangingRun(ledgerPath)
    try {
      // The reporter runs in Vitest's main process: its pid is the session's.
      process.kill(-(child.pid as number), 'SIGKILL')
      await exited
      // SIGKILL is delivered asynchronously: the next open happens once the process is gone.
      await waitFor(() => (processAlive(running.pid) ? undefined : true), 10_000)
      const ledger = openLedger(ledgerPath)
      const after = ledger.get<{ status: string; ended_at: string | null }>(
        'SELECT status, ended_at FROM sessions WHERE id = ?',
        running.id,
      )
      ledger.close()
      expect(after?.status).toBe('aborted')
      expect(after?.ended_at).not.toBeNull()
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }, 60_000)
})

describe.each([
  ['SIGHUP', 129], // the terminal closed
  ['SIGTERM', 143], // a supervisor stopping it
] as const)('a Vitest run sent %s mid-run', (signal, exitCode) => {
  test(`ends its session interrupted at once, with what it recorded, and exits ${exitCode}`, async () => {
    const ledgerPath = join(tempDir('signal-'), 'ledger.db')
    const { child, exited, running } = await startHangingRun(ledgerPath)
    try {
      process.kill(running.pid, signal)
      expect(await exited).toBe(exitCode)
      // Read without reaping: the session must be closed by the run itself, not by a later open.
      const ledger = openLedger(ledgerPath, { reapAborted: false })
      const after = ledger.get<{ status: string; ended_at: string | null; tests_total: number }>(
        'SELECT status, ended_at, tests_total FROM sessions WHERE id = ?',
        running.id,
      )
      ledger.close()
      expect(after).toMatchObject({ status: 'interrupted', tests_total: 0 })
      expect(after?.ended_at).not.toBeNull()
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }, 60_000)
})

import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openLedger } from '../../src/ledger/open-ledger.ts'
import type { LedgerRecord } from '../../src/ledger/records.ts'

/** How a ledger file can be broken by hand: each builder turns `path` into that ledger. */
export const BREAKAGES = {
  /** `CODEX_LEDGER` pointed at a folder. */
  directory: (path: string) => mkdirSync(path, { recursive: true }),
  /** Some other file where the ledger should be. */
  garbage: (path: string) =>
    writeFileSync(
      path,
      'this is not a database, just text that is long enough to look like a header.....\n'.repeat(50),
    ),
  /** A real ledger with rows, cut to a third of its size (a copy that stopped, a full disk). */
  truncated: (path: string) => {
    seedLedger(path, 2000)
    truncateSync(path, Math.floor(statSync(path).size / 3))
  },
  /** A real ledger the user made read-only (0444). */
  'read-only': (path: string) => {
    seedLedger(path, 10)
    chmodSync(path, 0o444)
  },
} as const

export type Breakage = keyof typeof BREAKAGES

/** A ledger with one session and `results` test results, closed (WAL checkpointed into the file). */
export function seedLedger(path: string, results: number): void {
  const ledger = openLedger(path)
  const records: LedgerRecord[] = [
    { rid: 'seed-s', table: 'sessions', row: { id: 'seed', kind: 'vitest', status: 'passed', started_at: 't' } },
  ]
  for (let i = 0; i < results; i++)
    records.push({
      rid: `seed-${i}`,
      table: 'test_results',
      row: { session_id: 'seed', name: `seeded test number ${i}, long enough to fill pages`, state: 'passed' },
    })
  ledger.write(records)
  ledger.close()
}

/**
 * The command prefix that runs a child process without root's power to write read-only files
 * (`setpriv` dropping CAP_DAC_OVERRIDE), or [] for an ordinary user; undefined where neither
 * works: read-only files cannot be tested then.
 */
export const WITHOUT_ROOT_OVERRIDE: string[] | undefined = (() => {
  if (process.getuid?.() !== 0) return []
  const prefix = ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--']
  try {
    const probe = join(process.env.TMPDIR ?? '/tmp', `codex-ro-probe-${process.pid}`)
    writeFileSync(probe, '')
    chmodSync(probe, 0o444)
    const result = spawnSync(prefix[0] as string, [...prefix.slice(1), 'sh', '-c', `echo x > ${probe}`])
    execFileSync('rm', ['-f', probe])
    return result.status !== 0 ? prefix : undefined
  } catch {
    return undefined
  }
})()

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'
import { DEFAULT_LEDGER_PATH } from '../../ledger/ledger-path.ts'
import type { Finding } from './finding.ts'

/** A passed gate run that later runs with the same key may reuse. */
export interface CacheEntry {
  key: string
  /** The session that ran it (the ledger reporter's, handed to the gate), if known. */
  session_id: string | null
  at: string
  duration_ms: number
  /** Its warn findings, attached again when the result is reused. */
  findings: Finding[]
  /** Its events (the toolchain probes), attached again when the result is reused. */
  events?: EventMeta[]
}

interface CacheFile {
  version: 1
  gates: Record<string, CacheEntry[]>
}

/** Entries kept per gate (several keys, so switching branches back and forth still hits). */
export const ENTRIES_PER_GATE = 8

/**
 * The cache file: `CODEX_GATE_CACHE`, else `gate-cache.json` beside the ledger (`CODEX_LEDGER`'s
 * folder, default the gated root's `.codex/`). It is a plain JSON file, never the ledger: gate
 * workers must not open the database.
 */
export function gateCachePath(env: NodeJS.ProcessEnv = process.env, root = '.'): string {
  const explicit = envValue('CODEX_GATE_CACHE', env)
  if (explicit) return resolve(explicit)
  const ledger = envValue('CODEX_LEDGER', env)
  const beside = ledger && ledger !== ':memory:' ? resolve(ledger) : resolve(root, DEFAULT_LEDGER_PATH)
  return join(dirname(beside), 'gate-cache.json')
}

/** The entry for (gate, key), if a passed run left one. A corrupt file reads as empty. */
export function lookupCache(path: string, gate: string, key: string): CacheEntry | undefined {
  return readCacheFile(path).gates[gate]?.find((e) => e.key === key)
}

/** Records a passed run (most recent first, at most ENTRIES_PER_GATE per gate), under a lock. */
export function storeCache(path: string, gate: string, entry: CacheEntry): void {
  mkdirSync(dirname(path), { recursive: true })
  withLock(`${path}.lock`, () => {
    const file = readCacheFile(path)
    const kept = (file.gates[gate] ?? []).filter((e) => e.key !== entry.key)
    file.gates[gate] = [entry, ...kept].slice(0, ENTRIES_PER_GATE)
    writeFileAtomic(path, `${JSON.stringify(file)}\n`)
  })
}

// --- internal ---

function readCacheFile(path: string): CacheFile {
  if (!existsSync(path)) return { version: 1, gates: {} }
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as CacheFile
    if (parsed.version === 1 && parsed.gates && typeof parsed.gates === 'object') return parsed
  } catch {
    // A torn or foreign file is a cache miss, never an error: the gate just runs.
  }
  return { version: 1, gates: {} }
}

const LOCK_WAIT_MS = 5_000
const LOCK_STALE_MS = 30_000

/** Gate workers run in parallel: an O_EXCL lock file serializes read-modify-write of the cache. */
function withLock(lockPath: string, fn: () => void): void {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS) rmSync(lockPath, { force: true })
      } catch {
        // the holder just released it
      }
      if (Date.now() > deadline) return // give up storing: a missed cache write only costs a re-run
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  }
  try {
    fn()
  } finally {
    rmSync(lockPath, { force: true })
  }
}

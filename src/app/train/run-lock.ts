import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { processAlive } from '../../foundation/process/process-alive.ts'

/** The lock file a trainer holds in its run folder while it runs. */
export const RUN_LOCK = 'train.lock'

/** What the lock file records about its holder. */
export interface LockHolder {
  pid: number
  host: string
  /** The holder's start time in clock ticks since boot (Linux /proc), so a reused pid is not mistaken for it. */
  start?: string
  started_at: string
}

export interface RunLock {
  readonly path: string
  /** Removes the lock file if it is still this holder's. */
  release(): void
}

export interface RunLockOptions {
  pid?: number
  host?: string
  /** Whether `holder` still runs (default: same host, pid alive, same start time). */
  isRunning?: (holder: LockHolder) => boolean
  /** Stale locks taken over are reported here. */
  onTakeover?: (holder: LockHolder | undefined) => void
}

/**
 * Locks a run folder for one trainer: `train.lock` with the holder's pid, created atomically
 * (written to a temp file, then hard-linked into place, so it never exists half written). A
 * lock whose holder still runs is a UserError naming the pid; one left by a trainer that died
 * (SIGKILL, power loss) is taken over. Two trainers sharing a folder delete each other's
 * checkpoints under the retention rule and interleave metrics.ndjson.
 */
export function acquireRunLock(dir: string, options: RunLockOptions = {}): RunLock {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, RUN_LOCK)
  const me: LockHolder = {
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
    start: processStart(options.pid ?? process.pid),
    started_at: new Date().toISOString(),
  }
  const text = `${JSON.stringify(me)}\n`
  const isRunning = options.isRunning ?? ((h: LockHolder) => holderRunning(h, me.host))
  for (let attempt = 0; attempt < 8; attempt++) {
    if (tryCreate(path, text)) return { path, release: () => releaseIfOurs(path, text) }
    const seen = readLock(path)
    if (seen === null) continue // released between our try and our read
    const holder = parseHolder(seen)
    if (holder && isRunning(holder)) {
      const where = holder.host === me.host ? '' : ` on ${holder.host}`
      throw new UserError(
        'RUN_LOCKED',
        `run folder ${dir} is in use by another trainer (pid ${holder.pid}${where}, since ${holder.started_at})`,
        `wait for it or stop it (kill -INT ${holder.pid}), or train into another folder (--set out_dir=…); if no such trainer runs, delete ${path}`,
      )
    }
    if (takeOver(path, seen)) options.onTakeover?.(holder)
  }
  throw new UserError(
    'RUN_LOCKED',
    `run folder ${dir}: could not take ${RUN_LOCK}, other trainers keep taking it`,
    'start one trainer per run folder',
  )
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined off Linux. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

// --- internal ---

function holderRunning(holder: LockHolder, host: string): boolean {
  // Another host's pid cannot be checked from here: assume it runs (the hint says how to clear it).
  if (holder.host !== host) return true
  if (!processAlive(holder.pid)) return false
  const start = processStart(holder.pid)
  return holder.start === undefined || start === undefined || start === holder.start
}

function tryCreate(path: string, text: string): boolean {
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`
  writeFileSync(temp, text)
  try {
    linkSync(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    rmSync(temp, { force: true })
  }
}

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>
    return Number.isSafeInteger(h.pid) && typeof h.host === 'string' ? (h as LockHolder) : undefined
  } catch {
    return undefined // a lock from something else: treated as stale
  }
}

/**
 * Removes the stale lock whose text is `stale`: moves it aside (one rename: of two trainers
 * taking over at once only one moves it), then checks that what moved is that stale lock and not
 * a fresh one another trainer created meanwhile, which is linked back into place.
 */
function takeOver(path: string, stale: string): boolean {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  try {
    if (readFileSync(aside, 'utf8') === stale) return true
    try {
      linkSync(aside, path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    return false
  } finally {
    rmSync(aside, { force: true })
  }
}

function releaseIfOurs(path: string, text: string): void {
  if (readLock(path) === text) rmSync(path, { force: true })
}

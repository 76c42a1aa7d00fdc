import { execFileSync } from 'node:child_process'

/** Bounds on one command line's bytes, as pre-commit's xargs sets them (4 KiB … 128 KiB). */
const FLOOR = 4096
const CEILING = 128 * 1024

/**
 * The bytes one command line (argv plus environment) may take here: `getconf ARG_MAX` less 2 KiB
 * of headroom and the environment's size, clamped to 4–128 KiB (pre-commit's xargs does the same;
 * Linux also caps a single argument at 128 KiB). `getconf` runs once per process; where it is
 * missing, 128 KiB is assumed.
 */
export function commandLineLimit(env: Readonly<Record<string, string | undefined>>): number {
  return Math.max(FLOOR, Math.min(systemArgMax() - 2048 - environmentSize(env), CEILING))
}

/**
 * Splits `files` into batches so that `argv` plus each batch stays within `limit` bytes (each
 * argument counted as its UTF-8 bytes, a NUL and an 8-byte pointer, as the kernel counts them).
 * A file too long for any batch gets a batch of its own rather than being dropped. No files: no
 * batches. A `limit` function (commandLineLimit, never under 4 KiB) is asked only for a command
 * line over 4 KiB: a commit's few files then cost no `getconf` process.
 */
export function batchArgs(
  argv: readonly string[],
  files: readonly string[],
  limit: number | (() => number),
): string[][] {
  const base = argv.reduce((n, a) => n + argBytes(a), 0)
  const total = files.reduce((n, f) => n + argBytes(f), base)
  const max = typeof limit === 'number' ? limit : total <= FLOOR ? FLOOR : limit()
  const batches: string[][] = []
  let current: string[] = []
  let size = base
  for (const file of files) {
    const cost = argBytes(file)
    if (current.length > 0 && size + cost > max) {
      batches.push(current)
      current = []
      size = base
    }
    current.push(file)
    size += cost
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/** Bytes the environment takes on the new process's stack: `NAME=value\0` plus a pointer each. */
export function environmentSize(env: Readonly<Record<string, string | undefined>>): number {
  let size = 0
  for (const [k, v] of Object.entries(env))
    if (v !== undefined) size += 8 + Buffer.byteLength(k) + Buffer.byteLength(v) + 2
  return size
}

// --- internal ---

let argMax: number | undefined

function systemArgMax(): number {
  if (argMax === undefined) {
    try {
      const out = Number(
        execFileSync('getconf', ['ARG_MAX'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      )
      argMax = Number.isFinite(out) && out > 0 ? out : CEILING
    } catch {
      argMax = CEILING
    }
  }
  return argMax
}

function argBytes(arg: string): number {
  return Buffer.byteLength(arg) + 1 + 8
}

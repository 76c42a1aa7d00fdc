import { spawn } from 'node:child_process'
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ByteQueue } from './byte-queue.ts'
import { type GitOptions, gitOk, OWN_PROCESS_GROUP } from './git.ts'
import type { ObjectReader } from './object-reader.ts'
import { isRegularFile, type Snapshot } from './snapshot.ts'

/** Blobs above this many bytes are not copied: a sparse file of the same size stands in (default). */
export const SPARSE_OVER_BYTES = 8 * 1024 * 1024

/** git options, with the hook run's one `cat-file --batch-command` when the caller has opened it. */
export type MaterializeGit = GitOptions & { objects?: ObjectReader }

export interface Materialized {
  /** Paths written with their committed bytes. */
  written: string[]
  /** Paths over the size cap, written as sparse files of the right size (only sizes are real). */
  sparse: string[]
}

/**
 * Writes the committed bytes of `paths` (as found in the snapshot) under `dir`, straight from
 * git's object store with `git cat-file --batch`: no clean/smudge filters, no eol conversion, no
 * LFS download — the bytes the commit records. Never touches the work tree or the index.
 */
export async function materialize(
  snapshot: Snapshot,
  paths: Iterable<string>,
  dir: string,
  gitOptions: MaterializeGit,
  sparseOverBytes = SPARSE_OVER_BYTES,
): Promise<Materialized> {
  const pathsBySha = new Map<string, string[]>()
  for (const path of paths) {
    const entry = snapshot.entries.get(path)
    if (!entry || !isRegularFile(entry.mode)) continue
    const list = pathsBySha.get(entry.sha)
    if (list) list.push(path)
    else pathsBySha.set(entry.sha, [path])
  }
  const result: Materialized = { written: [], sparse: [] }
  if (pathsBySha.size === 0) return result
  const shas = [...pathsBySha.keys()]
  // The run's shared cat-file process when there is one; a git too old for it (or a process that
  // died before answering) falls back to a --batch-check and a --batch process, as before.
  let objects = gitOptions.objects?.unusable ? undefined : gitOptions.objects
  let sizes: Map<string, number> | undefined
  if (objects) {
    try {
      sizes = await objects.sizes(shas)
    } catch (error) {
      if (!objects.unusable) throw error
      objects = undefined
    }
  }
  const known =
    sizes ??
    parseBatchCheck(await gitOk(['cat-file', '--batch-check'], { ...gitOptions, input: `${shas.join('\n')}\n` }))
  const small: string[] = []
  const dirs = new Set<string>()
  const target = (path: string) => {
    const file = join(dir, path)
    const parent = dirname(file)
    if (!dirs.has(parent)) {
      mkdirSync(parent, { recursive: true })
      dirs.add(parent)
    }
    return file
  }
  for (const sha of shas) {
    const size = known.get(sha)
    if (size === undefined) throw new Error(`BUG: git cat-file does not know blob ${sha}`)
    if (size <= sparseOverBytes) {
      small.push(sha)
      continue
    }
    for (const path of pathsBySha.get(sha) ?? []) {
      const fd = openSync(target(path), 'w')
      try {
        ftruncateSync(fd, size)
      } finally {
        closeSync(fd)
      }
      result.sparse.push(path)
    }
  }
  const write = (sha: string, bytes: Buffer) => {
    for (const path of pathsBySha.get(sha) ?? []) {
      writeFileSync(target(path), bytes)
      result.written.push(path)
    }
  }
  if (objects) await objects.contents(small, write)
  else await catFileBatch(small, gitOptions, write)
  return result
}

/** Parses `git cat-file --batch-check` lines `<sha> <type> <size>` into sha → size. */
export function parseBatchCheck(text: string): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const line of text.split('\n')) {
    const [sha, type, size] = line.split(' ')
    if (sha && type === 'blob' && size !== undefined) sizes.set(sha, Number(size))
  }
  return sizes
}

/**
 * Streams `git cat-file --batch` for `shas`, calling `onBlob` once per object in order. The
 * output is `<sha> <type> <size>\n<bytes>\n` per object; parsed incrementally so a large blob is
 * held once, never concatenated with the rest.
 */
export function catFileBatch(
  shas: readonly string[],
  options: GitOptions,
  onBlob: (sha: string, bytes: Buffer) => void,
): Promise<void> {
  if (shas.length === 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), GIT_OPTIONAL_LOCKS: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: OWN_PROCESS_GROUP,
    })
    const parser = new BatchParser(onBlob)
    let failure: Error | undefined
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return
      try {
        parser.push(chunk)
      } catch (error) {
        failure = error as Error
        child.kill()
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (failure) reject(failure)
      else if (code !== 0) reject(new Error(`git cat-file --batch failed (exit ${code}): ${stderr.trim()}`))
      else if (parser.count !== shas.length)
        reject(new Error(`git cat-file --batch returned ${parser.count} of ${shas.length} objects`))
      else resolve()
    })
    child.stdin.on('error', () => {}) // an early exit shows in its exit code; see git()
    child.stdin.end(`${shas.join('\n')}\n`)
  })
}

// --- internal ---

class BatchParser {
  count = 0
  private readonly bytes = new ByteQueue()
  /** The object being read: its sha and size, or undefined while waiting for a header. */
  private current: { sha: string; size: number } | undefined

  constructor(private readonly onBlob: (sha: string, bytes: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.bytes.push(chunk)
    for (;;) {
      if (!this.current) {
        const header = this.bytes.line()
        if (header === undefined) return
        const [sha, type, size] = header.split(' ')
        if (!sha || type === 'missing' || size === undefined) throw new Error(`git cat-file: ${header}`)
        this.current = { sha, size: Number(size) }
      }
      // content plus the trailing newline
      const bytes = this.bytes.take(this.current.size, 1)
      if (!bytes) return
      const { sha } = this.current
      this.current = undefined
      this.count++
      this.onBlob(sha, bytes)
    }
  }
}

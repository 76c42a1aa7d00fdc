import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { ByteQueue } from './byte-queue.ts'
import { spawnCatFile } from './early-git.cjs'
import type { GitOptions } from './git.ts'

/** What one object request gets back: its size (info), or its bytes too (contents); undefined size when git lacks it. */
interface Pending {
  sha: string
  contents: boolean
  done: (size: number | undefined, bytes?: Buffer) => void
}

/**
 * One `git cat-file --batch-command` for a whole hook run: every size (`info`) and every blob
 * (`contents`) the snapshot export needs goes through the same process, round after round,
 * instead of a `--batch-check` and a `--batch` process per round (each process start costs the
 * commit 10–20 ms on a busy machine). Objects are read from git's object store as committed: no
 * filters, no eol conversion. Started on first use; `close()` ends it. A git without
 * `--batch-command` (before 2.36), or a process that dies, rejects what is pending with git's own
 * message: callers then fall back to a process per request (see materialize.ts).
 */
export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | undefined
  private readonly queue: Pending[] = []
  private readonly bytes = new ByteQueue()
  private header: { sha: string; size: number } | undefined
  private stderr = ''
  private failure: Error | undefined
  private answered = 0

  constructor(private readonly options: GitOptions) {}

  /** True once the process failed before answering anything: the caller should not use it again. */
  get unusable(): boolean {
    return this.failure !== undefined && this.answered === 0
  }

  /** Sizes of `shas` (blobs only; anything else or missing is left out, as `--batch-check` parsing did). */
  async sizes(shas: readonly string[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>()
    await this.request(shas, false, (sha, size) => {
      if (size !== undefined) sizes.set(sha, size)
    })
    return sizes
  }

  /** The bytes of each of `shas`, in order; a missing object rejects. */
  contents(shas: readonly string[], onBlob: (sha: string, bytes: Buffer) => void): Promise<void> {
    return this.request(shas, true, (sha, size, bytes) => {
      if (size === undefined || !bytes) throw new Error(`git cat-file: ${sha} missing`)
      onBlob(sha, bytes)
    })
  }

  /**
   * Starts the process now, so its start overlaps whatever the caller does before the first
   * request; or adopts `started`, the same process started earlier (early-git.cjs's spawnCatFile).
   */
  open(started?: ChildProcessWithoutNullStreams): this {
    if (!this.failure) this.start(started)
    return this
  }

  /** Ends the process (its stdin closed: git exits by itself). */
  close(): void {
    const child = this.child
    this.child = undefined
    if (!child) return
    child.stdin.end()
    // Killed only if it does not go by itself (it was asked for nothing more).
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    timer.unref()
    child.once('close', () => clearTimeout(timer))
  }

  // --- internal ---

  private request(
    shas: readonly string[],
    contents: boolean,
    each: (sha: string, size: number | undefined, bytes?: Buffer) => void,
  ): Promise<void> {
    if (shas.length === 0) return Promise.resolve()
    if (this.failure) return Promise.reject(this.failure)
    const child = this.start()
    return new Promise((resolve, reject) => {
      let left = shas.length
      let failed: Error | undefined
      const timer = setTimeout(() => this.fail(new Error('git cat-file --batch-command timed out')), 60_000)
      const finish = (error?: Error) => {
        clearTimeout(timer)
        if (error) reject(error)
        else resolve()
      }
      for (const sha of shas) {
        this.queue.push({
          sha,
          contents,
          done: (size, bytes) => {
            if (size === -1) return finish(this.failure)
            if (!failed) {
              try {
                each(sha, size, bytes)
              } catch (error) {
                failed = error as Error
              }
            }
            if (--left === 0) finish(failed)
          },
        })
      }
      const verb = contents ? 'contents' : 'info'
      child.stdin.write(`${shas.map((sha) => `${verb} ${sha}`).join('\n')}\n`)
    })
  }

  private start(started?: ChildProcessWithoutNullStreams): ChildProcessWithoutNullStreams {
    if (this.child) return this.child
    const child = started ?? spawnCatFile(this.options)
    this.child = child
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.push(chunk)
      } catch (error) {
        this.fail(error as Error)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8')
    })
    child.stdin.on('error', () => {}) // an early exit shows in its exit code
    child.on('error', (error) => this.fail(error))
    child.on('close', (code) => {
      if (this.queue.length > 0) {
        this.fail(new Error(`git cat-file --batch-command failed (exit ${code}): ${this.stderr.trim()}`))
      }
      if (this.child === child) this.child = undefined
    })
    return child
  }

  private fail(error: Error): void {
    this.failure ??= error
    this.child?.kill('SIGKILL')
    this.child = undefined
    for (const p of this.queue.splice(0)) p.done(-1)
  }

  /** Parses `<sha> <type> <size>\n` (info), plus `<bytes>\n` (contents), or `<name> missing\n`. */
  private push(chunk: Buffer): void {
    this.bytes.push(chunk)
    for (;;) {
      const pending = this.queue[0]
      if (!pending) {
        if (this.bytes.length > 0) throw new Error('git cat-file: output nobody asked for')
        return
      }
      if (!this.header) {
        const line = this.bytes.line()
        if (line === undefined) return
        const [sha, type, size] = line.split(' ')
        if (type === 'missing' || size === undefined) {
          this.answer(pending, undefined)
          continue
        }
        if (!pending.contents) {
          this.answer(pending, type === 'blob' ? Number(size) : undefined)
          continue
        }
        this.header = { sha: sha ?? pending.sha, size: Number(size) }
      }
      // content plus the trailing newline
      const bytes = this.bytes.take(this.header.size, 1)
      if (!bytes) return
      this.header = undefined
      this.answer(pending, bytes.length, bytes)
    }
  }

  private answer(pending: Pending, size: number | undefined, bytes?: Buffer): void {
    this.queue.shift()
    this.answered++
    pending.done(size, bytes)
  }
}

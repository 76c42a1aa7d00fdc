import { type FSWatcher, watch } from 'node:fs'
import { basename, dirname } from 'node:path'
import { spawnCatFile } from '../../adapters/hooks/early-git.cjs'
import { type LauncherLint, startLauncherLint } from '../../adapters/hooks/launcher-lint.cjs'
import { isRegularFile } from '../../adapters/hooks/snapshot.ts'
import { readGitIndexFile } from '../../foundation/fs/git-index.ts'

/** The longest a standby waits for its first run before it listens (ms). */
const SETTLED_MS = 1000

/** Index writes come in bursts (`git add -p`, a checkout): Biome starts once they pause this long (ms). */
const SETTLE_MS = 40

/**
 * Biome run ahead by a hook standby (standby-serve.ts) on what the index stages while it waits:
 * once when it starts and again after each write of the index (`git add`), each run replacing the
 * last, as the launcher would run it at commit time (launcher-lint.cjs: the last commit's plan, the
 * staged bytes exported from git's objects). A commit whose staged files and blobs are still those
 * takes its verdict instead of waiting ~25 ms for Biome; the hook adopts it only after its own
 * check against git's snapshot (early-lint.ts `sameExport`), as it does the launcher's.
 */
export class LintAhead {
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private run: { files: readonly string[]; launched?: LauncherLint; dropped: boolean } | undefined

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly indexFile: string,
    private readonly staged: () => readonly string[] | undefined,
  ) {
    // A run never handed over leaves no folder behind.
    process.once('exit', () => {
      if (this.run) drop(this.run)
    })
  }

  /**
   * Runs Biome on what is staged now, then after each index write. Resolves once that first run
   * has ended or given up (at most SETTLED_MS): the standby listens only then, so that whoever
   * finds its socket finds it idle.
   */
  start(): Promise<void> {
    const first = this.again()
    try {
      this.watcher = watch(dirname(this.indexFile), (_event, name) => {
        if (name !== basename(this.indexFile)) return
        clearTimeout(this.timer)
        this.timer = setTimeout(() => void this.again(), SETTLE_MS)
      })
      this.watcher.on('error', () => this.watcher?.close())
    } catch {
      // no file watching here: the run from the start only
    }
    return Promise.race([first, new Promise<void>((resolve) => setTimeout(resolve, SETTLED_MS).unref())])
  }

  /**
   * Stops watching, and hands over the finished run's Biome when the commit stages the very files
   * and blobs it checked (`indexFile` is the commit's, GIT_INDEX_FILE or the repository's); any
   * other run is stopped and undefined comes back.
   */
  take(indexFile: string, staged: readonly string[] | undefined): LauncherLint | undefined {
    this.watcher?.close()
    clearTimeout(this.timer)
    const run = this.run
    this.run = undefined
    if (run === undefined) return undefined
    const launched = run.launched
    if (launched && staged && sameFiles(run.files, staged) && sameBlobs(launched, indexFile)) return launched
    drop(run)
    return undefined
  }

  /**
   * Starts a run on what is staged now, replacing the last, unless the last one checked the very
   * same files and blobs (git rewrites the index with the same entries, as `git commit` does before
   * its hook); resolves once its Biome has ended or it gave up.
   */
  private again(): Promise<void> {
    const files = this.staged()
    const last = this.run
    if (last?.launched && files && sameFiles(last.files, files) && sameBlobs(last.launched, this.indexFile))
      return Promise.resolve()
    if (last) drop(last)
    this.run = undefined
    if (!files || files.length === 0) return Promise.resolve()
    const run: NonNullable<LintAhead['run']> = { files, dropped: false }
    this.run = run
    const objects = spawnCatFile({ cwd: this.cwd, env: this.env })
    objects.on('error', () => {})
    objects.stdin.on('error', () => {})
    const changed = Promise.resolve({ code: 0, stdout: files.map((f) => `${f}\0`).join(''), stderr: '' })
    return startLauncherLint(this.cwd, { changed, objects }, this.env, (launched) => {
      if (run.dropped) launched.dispose()
      else run.launched = launched
    })
      .finally(() => objects.stdin.end())
      .then(() => run.launched?.ended)
      .then(() => undefined)
  }
}

// --- internal ---

function drop(run: { launched?: LauncherLint; dropped: boolean }): void {
  run.dropped = true
  run.launched?.dispose()
}

function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i])
}

/** Every file and support file Biome was given still has that blob in the commit's index. */
function sameBlobs(launched: LauncherLint, indexFile: string): boolean {
  const entries = readGitIndexFile(indexFile)?.entries
  if (entries === undefined) return false
  return Object.entries(launched.oids).every(([path, oid]) => {
    const entry = entries.get(path)
    return entry !== undefined && isRegularFile(entry.mode.toString(8)) && entry.oid === oid
  })
}

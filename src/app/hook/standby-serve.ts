import { existsSync } from 'node:fs'
import { releaseEarlyGit, startEarlyGit } from '../../adapters/hooks/early-git.cjs'
import { HookSession } from '../../adapters/hooks/hook-session.ts'
import { leaveLauncherLint, startLauncherLint, takeLauncherLint } from '../../adapters/hooks/launcher-lint.cjs'
import { snapshotIndexFile } from '../../adapters/hooks/snapshot.ts'
import { envChange, START_KEY } from '../../adapters/hooks/standby-env.cjs'
import { secureFolder, spawnStandby, standbyIdleMs, standbyPlace } from '../../adapters/hooks/standby-place.cjs'
import { awaitRequest, type StandbyReply, type StandbyRequest } from '../../adapters/hooks/standby-server.ts'
import { clearMarks, mark } from '../../adapters/hooks/timeline.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { reportError } from '../../foundation/cli/run-main.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'
import { launchedAt } from '../../foundation/process/uptime-ms.ts'
import { LintAhead } from './lint-ahead.ts'

/**
 * What the process that runs `hook standby serve` learned before its program ran (the launcher,
 * .husky/launch.cjs, or the installed executable, bin.ts, leave it with standby-env.cjs's recordStandbyStart):
 * the environment variables read since Node started its program, whether its code is still what a
 * launcher would run now, and the command that starts the next standby.
 */
export interface StandbyStart {
  /** Ends the environment recording (standby-env.cjs trackEnv): the names read, or 'all'. */
  stopTracking: () => ReadonlySet<string> | 'all'
  /** Why the code this process runs is not what a launcher would run now (a rebuild, an upgrade), or undefined. */
  stale: () => string | undefined
  /** `node <command…>` starts the next standby (this process's own arguments). */
  command: readonly string[]
}

/** What a standby prepared for the commit it waits for (standby-preload.ts). */
export interface StandbyPrepared {
  /** The commit's staged paths, as `git diff --cached` lists them, where they can be known without git. */
  stagedFiles?: (cwd: string, env: NodeJS.ProcessEnv) => readonly string[] | undefined
}

/** What `hook standby serve` runs: the hook command itself, and the loading of what its pre-commit needs. */
export interface StandbyHook {
  runHook: (argv: string[], io: Io) => Promise<number>
  /** Loads the hook's modules (the environment read meanwhile is tracked); returns what prepares the rest. */
  preload: () => Promise<(cwd: string, env: NodeJS.ProcessEnv) => StandbyPrepared>
}

/** After answering, a standby waits this long before it starts the next one: the commit and its post-commit hook finish first. */
const SUCCESSOR_DELAY_MS = 300

/**
 * `hook standby serve`: loads the pre-commit hook's modules (`hook.preload`; every environment
 * variable read until then is noted), prepares what it can from the repository's files
 * (standby-preload.ts), then waits at the repository's socket for one commit (standby-place.cjs).
 * A commit whose Node and noted variables match is run here as its launcher would have run it,
 * with the launcher's whole environment, its output relayed and its exit code returned, unless the
 * code turns out stale; then, once the session's ledger is closed, this process starts the next
 * standby and exits. Anything else is refused (the launcher runs the hook itself) and this
 * process exits. Exit 2 when no launcher left its start record or there is no safe place for the socket.
 */
export async function serveStandby(io: Io, hook: StandbyHook): Promise<number> {
  const start = (globalThis as Record<symbol, StandbyStart | undefined>)[START_KEY]
  const place = standbyPlace(io.cwd, io.env)
  if (start === undefined || place === undefined) {
    start?.stopTracking()
    io.stderr('codex-gates: a hook standby is started by the pre-commit hook (.husky/launch.cjs or the executable)\n')
    return EXIT.usage
  }
  const unsafe = secureFolder(place.dir)
  if (unsafe !== undefined) {
    start.stopTracking()
    io.stderr(`codex-gates: no hook standby: ${unsafe}\n`)
    return EXIT.usage
  }
  const prepare = await hook.preload()
  const read = start.stopTracking()
  const own = { ...process.env }
  const prepared = prepare(io.cwd, own)
  start.stale() // its code compiled before a commit needs it (below)
  const cwd = process.cwd()
  const stagedNow = prepared.stagedFiles
  const indexNow = snapshotIndexFile({ cwd, env: own })
  const ahead = stagedNow && indexNow ? new LintAhead(cwd, own, indexNow, () => stagedNow(cwd, own)) : undefined
  await ahead?.start()
  const asked = await awaitRequest({
    address: place.address,
    socket: place.socket,
    idleMs: standbyIdleMs(own),
    judge: (request) => judge(request, { own, read, cwd }),
  })
  if (asked === undefined) return EXIT.ok
  const { request, reply } = asked
  becomeLauncher(request, reply)
  // As the launcher does before its runner runs: git's processes first, then Biome where the last
  // commit's plan says (launcher-lint.cjs), on the staged paths read from the index where they can
  // be (not waiting for `git diff`; the hook adopts that Biome only if git names the same files).
  const early = startEarlyGit(request.cwd)
  const staged = prepared.stagedFiles?.(request.cwd, process.env)
  const index = snapshotIndexFile({ cwd: request.cwd, env: process.env })
  const linted = ahead?.take(index ?? '', index === undefined ? undefined : staged)
  if (linted) {
    leaveLauncherLint(linted) // Biome ran when these files were staged: its verdict is ready
    mark('lint run ahead')
  } else {
    const listed = staged && { code: 0, stdout: staged.map((f) => `${f}\0`).join(''), stderr: '' }
    await startLauncherLint(request.cwd, listed ? { ...early, changed: Promise.resolve(listed) } : early)
  }
  // Whether this code is still the launcher's is checked while they run (a stat of every source
  // in this repository: ~6 ms); if not, they go and the launcher runs the hook itself.
  const stale = start.stale()
  if (stale !== undefined) {
    takeLauncherLint(request.cwd)?.dispose()
    releaseEarlyGit()
    await reply.refuse(stale)
    return EXIT.ok
  }
  // The launcher killed mid-run (its socket closes first): the run stops as on a signal.
  let running = true
  void reply.lost.then(() => {
    if (running) process.kill(process.pid, 'SIGTERM')
  })
  HookSession.closeLater = []
  let code: number
  try {
    code = await hook.runHook(request.argv, {
      stdout: (text) => reply.stdout(text),
      stderr: (text) => reply.stderr(text),
      env: process.env,
      cwd: request.cwd,
    })
  } catch (error) {
    releaseEarlyGit()
    code = reportError(error, { argv: request.argv })
  }
  running = false
  await reply.exit(code)
  for (const close of HookSession.closeLater.splice(0)) close()
  await new Promise((resolve) => setTimeout(resolve, SUCCESSOR_DELAY_MS))
  // Unless a commit that came meanwhile, finding no socket, already started one.
  if (!existsSync(place.socket)) spawnStandby(request.cwd, start.command, process.env)
  return EXIT.ok
}

// --- internal ---

function judge(
  request: StandbyRequest,
  own: { own: NodeJS.ProcessEnv; read: ReadonlySet<string> | 'all'; cwd: string },
): string | undefined {
  if (request.argv[0] !== 'pre-commit') return `it runs pre-commit only, not ${request.argv[0] ?? 'nothing'}`
  if (request.node !== process.version || request.exec !== process.execPath)
    return `another Node (${request.node} at ${request.exec})`
  if (request.cwd !== own.cwd) return `another work tree (${request.cwd})`
  const changed = envChange(own.own, request.env, own.read)
  if (changed !== undefined) return `the environment changed (${changed})`
  return undefined
}

/**
 * This process takes the launcher's place: its environment (in place: code that kept process.env
 * sees it), arguments and clock; what anything writes to stdout or stderr goes to the launcher.
 */
function becomeLauncher(request: StandbyRequest, reply: StandbyReply): void {
  for (const name of Object.keys(process.env)) delete process.env[name]
  Object.assign(process.env, request.env)
  process.argv = [process.argv[0] ?? process.execPath, process.argv[1] ?? '', ...request.argv]
  launchedAt(request.uptime)
  clearMarks()
  mark('standby answered')
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    reply.stdout(chunk)
    callback(rest)
    return true
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    reply.stderr(chunk)
    callback(rest)
    return true
  }) as typeof process.stderr.write
}

/** stream.write(chunk, [encoding], [callback]): calls the callback, as a write that completed. */
function callback(rest: unknown[]): void {
  const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
  if (done) queueMicrotask(done)
}

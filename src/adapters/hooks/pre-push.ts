import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { INSTALLED, userCommand } from '../../foundation/cli/user-command.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'
import { uptimeMs } from '../../foundation/process/uptime-ms.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { formatMs } from './format-outcome.ts'
import { type GitOptions, git, headInfo, whoAmI } from './git.ts'
import { HOOK_COMMAND, type HookIo, hookLine } from './hook-io.ts'
import { HookSession } from './hook-session.ts'
import { openForReading, readSessionLedger } from './read-ledger.ts'
import { parseSkip, unknownSkipWarning } from './skip.ts'
import { PRE_PUSH_STEP_NAMES } from './steps.ts'
import { type BranchCommit, findUngated, logCommits, readGateRecords, type UngatedCommit } from './ungated.ts'

/** One line of pre-push's stdin: `<local ref> <local sha> <remote ref> <remote sha>`. */
export interface PushUpdate {
  localRef: string
  localSha: string
  remoteRef: string
  remoteSha: string
}

/** Default time the full gates run may take before it is stopped (ms); `CODEX_PRE_PUSH_TIMEOUT_MS` overrides. */
export const PRE_PUSH_TIMEOUT_MS = 15 * 60_000

const ZERO = /^0+$/

/** Parses the ref updates git writes to pre-push's stdin. */
export function parsePushUpdates(text: string): PushUpdate[] {
  const updates: PushUpdate[] = []
  for (const line of text.split('\n')) {
    const [localRef, localSha, remoteRef, remoteSha] = line.trim().split(/\s+/)
    if (localRef && localSha && remoteRef && remoteSha) updates.push({ localRef, localSha, remoteRef, remoteSha })
  }
  return updates
}

/**
 * The pre-push hook. Step `ungated`: refuses the push when a pushed commit has no passing gate
 * session for its tree, unless `CODEX_ALLOW_UNGATED=1` (recorded with who and which commits).
 * Step `gates`: `npm run gates` (the full gates project, result cache allowed) against this
 * repository, linked to this session as its parent. One `pre-push` session, one event per step.
 */
export async function prePush(io: HookIo): Promise<number> {
  const options = { cwd: io.cwd, env: io.env }
  const [remote = 'origin'] = io.argv
  const stdin = io.readStdin ? await io.readStdin() : ''
  const session = new HookSession({
    kind: 'pre-push',
    command: 'pre-push',
    argv: io.argv,
    warn: (line) => hookLine(io, line),
  })
  const { sha, branch } = await headInfo(options)
  session.start({ sha, branch, dirty: null, tree: null })
  const skip = parseSkip(envValue('SKIP', io.env), PRE_PUSH_STEP_NAMES)
  const unknown = unknownSkipWarning(skip.unknown, PRE_PUSH_STEP_NAMES)
  if (unknown) hookLine(io, unknown)
  const summary: string[] = []

  // Step 1: ungated commits in the pushed range.
  const checkStarted = uptimeMs()
  const updates = parsePushUpdates(stdin)
  if (skip.skip.has('ungated')) {
    await skipped(session, io, 'ungated')
    summary.push('ungated –')
  } else {
    const commits = await pushedCommits(options, updates, remote)
    const ungated = readSessionLedger(session, (ledger) =>
      findUngated(commits, readGateRecords(ledger, session.ledgerPath, commits)),
    )
    const allow = setting('CODEX_ALLOW_UNGATED', io.env) === true
    const ms = uptimeMs() - checkStarted
    const refused = ungated.length > 0 && !allow
    session.event({
      role: 'tool',
      level: refused ? 'error' : ungated.length > 0 ? 'warn' : 'info',
      message: `step ungated ${refused ? 'failed' : 'passed'} in ${Math.round(ms)} ms: ${ungated.length} of ${commits.length} pushed commits ungated${ungated.length > 0 && allow ? `, allowed by CODEX_ALLOW_UNGATED=1 (${await whoAmI(options)})` : ''}`,
      data: {
        step: 'ungated',
        status: refused ? 'failed' : 'passed',
        duration_ms: Math.round(ms),
        pushed: commits.length,
        ungated: ungated.map((c) => ({ sha: c.sha, reason: c.reason })),
        allowed_by: ungated.length > 0 && allow ? { who: await whoAmI(options), at: new Date().toISOString() } : null,
        updates,
      },
    })
    summary.push(`ungated ${formatMs(ms)} ${refused ? '✗' : '✓'}`)
    if (ungated.length > 0) {
      hookLine(io, formatUngated(ungated, allow))
      if (refused) {
        session.finish('failed', { tests_total: 1, tests_failed: 1 })
        hookLine(io, `codex-gates pre-push ✗ · ${summary.join(' · ')} · total ${formatMs(io.elapsed())}`)
        return EXIT.failed
      }
    }
  }

  // Step 2: the full gates project.
  let code: number = EXIT.ok
  if (skip.skip.has('gates')) {
    await skipped(session, io, 'gates')
    summary.push('gates –')
  } else {
    const started = uptimeMs()
    const run = await runGates(io, session)
    const ms = uptimeMs() - started
    code = run.code === 0 ? EXIT.ok : EXIT.failed
    const child = childSessions(session.ledgerPath, session.id)
    session.event({
      role: 'tool',
      level: run.code === 0 ? 'info' : 'error',
      message: `step gates ${run.code === 0 ? 'passed' : 'failed'} in ${Math.round(ms)} ms (${userCommand('run')} exit ${run.code}${run.timedOut ? ', timed out' : ''})`,
      data: {
        step: 'gates',
        status: run.code === 0 ? 'passed' : 'failed',
        duration_ms: Math.round(ms),
        exit_code: run.code,
        timed_out: run.timedOut,
        child_sessions: child,
      },
    })
    summary.push(`gates ${formatMs(ms)} ${run.code === 0 ? '✓' : '✗'}`)
    if (run.code !== 0)
      hookLine(
        io,
        `push refused: \`${userCommand('run')}\` failed; see its output above (\`${userCommand('ledger show latest')}\`)`,
      )
  }
  const interrupted = io.signal?.aborted === true
  session.finish(interrupted ? 'interrupted' : code === 0 ? 'passed' : 'failed')
  hookLine(
    io,
    `codex-gates pre-push ${code === 0 ? '✓' : '✗'} · ${summary.join(' · ')} · total ${formatMs(io.elapsed())}`,
  )
  return interrupted ? EXIT.interrupted : code
}

/** Commits the push would send, over all ref updates (deletions send none), newest first. */
export async function pushedCommits(
  options: GitOptions,
  updates: readonly PushUpdate[],
  remote: string,
): Promise<BranchCommit[]> {
  const seen = new Map<string, BranchCommit>()
  // A push to a URL has no remote-tracking refs of its own: compare with every remote's.
  const remotes = /^[\w.-]+$/.test(remote) ? `--remotes=${remote}` : '--remotes'
  for (const u of updates) {
    if (ZERO.test(u.localSha)) continue
    const known =
      !ZERO.test(u.remoteSha) && (await git(['cat-file', '-e', `${u.remoteSha}^{commit}`], options)).code === 0
    const range = known ? [`${u.remoteSha}..${u.localSha}`] : [u.localSha, '--not', remotes]
    for (const c of await logCommits(options, range)) seen.set(c.sha, c)
  }
  return [...seen.values()]
}

/**
 * How the full gates run is started for the repository at `root`: installed, the package's own
 * bin (`node …/codex-gates/dist/src/app/cli/main.js run`) in the repository, no npm in between;
 * in this package's checkout, `npm run gates` with GATES_ROOT naming the repository.
 */
export function gatesRunCommand(
  root: string,
  installed: boolean = INSTALLED,
): { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  if (installed) return { command: process.execPath, args: [MAIN_JS, 'run'], cwd: root, env: { GATES_ROOT: root } }
  return {
    command: process.platform === 'win32' ? 'npm.cmd' : 'npm',
    args: ['run', '--silent', 'gates'],
    cwd: PACKAGE_ROOT,
    env: root === PACKAGE_ROOT ? {} : { GATES_ROOT: root },
  }
}

// --- internal ---

/** The compiled `codex-gates` bin of the installed package. */
const MAIN_JS = join(PACKAGE_ROOT, 'dist', 'src', 'app', 'cli', 'main.js')

function formatUngated(ungated: readonly UngatedCommit[], allowed: boolean): string {
  const lines = ungated.map((c) => `    ${c.sha.slice(0, 12)} ${c.subject.slice(0, 60)}  — ${c.detail}`)
  const head = allowed
    ? `codex-gates: pushing ${ungated.length} ungated commit(s), allowed by CODEX_ALLOW_UNGATED=1 (recorded in the ledger):`
    : `✗ ungated: ${ungated.length} pushed commit(s) have no passing gate session for their tree:`
  const fix = allowed
    ? []
    : [
        `  fix: gate them (${HOOK_COMMAND} gate ${rangeHint(ungated)}), or push anyway with CODEX_ALLOW_UNGATED=1 git push (recorded)`,
      ]
  return [head, ...lines, ...fix].join('\n')
}

function rangeHint(ungated: readonly UngatedCommit[]): string {
  if (ungated.length === 1) return (ungated[0] as UngatedCommit).sha.slice(0, 12)
  return ungated.map((c) => c.sha.slice(0, 12)).join(' ')
}

async function skipped(session: HookSession, io: HookIo, step: string): Promise<void> {
  const who = await whoAmI({ cwd: io.cwd, env: io.env })
  const at = new Date().toISOString()
  session.event({
    role: 'tool',
    level: 'warn',
    message: `step ${step} skipped (SKIP=${step}) by ${who} at ${at}`,
    data: { step, status: 'skipped', reason: `SKIP=${step}`, skipped_by: { who, at } },
  })
}

/** Runs the gates of this repository (see `gatesRunCommand`); stdin closed. */
function runGates(io: HookIo, session: HookSession): Promise<{ code: number; timedOut: boolean }> {
  const timeoutMs = setting('CODEX_PRE_PUSH_TIMEOUT_MS', io.env) || PRE_PUSH_TIMEOUT_MS
  const how = gatesRunCommand(resolve(io.cwd))
  const env: NodeJS.ProcessEnv = {
    ...io.env,
    CODEX_LEDGER: session.ledgerPath,
    CODEX_PARENT_SESSION: session.id,
    CODEX_GATES_STAGE: 'push', // command gates and hooks whose stages include push
    ...how.env,
  }
  return new Promise((done) => {
    // Its own process group, so a timeout or Ctrl-C stops vitest and its workers together.
    const child = spawn(how.command, how.args, {
      cwd: how.cwd,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    })
    let timedOut = false
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      hookLine(
        io,
        `codex-gates: ${userCommand('run')} ran past ${timeoutMs} ms (CODEX_PRE_PUSH_TIMEOUT_MS); stopping it`,
      )
      kill()
    }, timeoutMs)
    io.signal?.addEventListener('abort', kill, { once: true })
    child.on('error', (error) => {
      clearTimeout(timer)
      hookLine(io, `codex-gates: cannot run ${userCommand('run')}: ${error.message}`)
      done({ code: 127, timedOut })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      io.signal?.removeEventListener('abort', kill)
      done({ code: code ?? (signal ? 128 : 1), timedOut })
    })
  })
}

function childSessions(ledgerPath: string, parentId: string): { id: string; status: string }[] {
  const ledger = openForReading(ledgerPath)
  if (!ledger) return []
  try {
    return ledger.all<{ id: string; status: string }>('SELECT id, status FROM sessions WHERE parent_id = ?', parentId)
  } catch {
    return []
  } finally {
    ledger.close()
  }
}

import { join } from 'node:path'
import { EXIT, isUserError, UserError } from '../errors/user-error.ts'
import { formatFailures, formatSummary, isBlocking } from './format-outcome.ts'
import { type GateSnapshotResult, gateSnapshot } from './gate-snapshot.ts'
import { git, gitOk, headInfo, whoAmI } from './git.ts'
import { HOOK_COMMAND, type HookIo } from './hook-io.ts'
import { HookSession } from './hook-session.ts'
import { parseSkip, unknownSkipWarning } from './skip.ts'
import { commitSnapshot, indexSnapshot, type Snapshot } from './snapshot.ts'
import { GateRunner } from './run-steps.ts'
import { PRE_COMMIT_STEP_NAMES, PRE_COMMIT_STEPS } from './steps.ts'
import { mark, timeline } from './timeline.ts'

/**
 * The pre-commit hook: the read-only gates on the staged bytes (the index, not the work tree),
 * one ledger session (`kind` pre-commit) with an `events` row per step and its time, a summary
 * line naming each step's time, exit 1 with file:line, rule and fix when a step fails.
 */
export async function preCommit(io: HookIo): Promise<number> {
  const options = { cwd: io.cwd, env: io.env }
  // Everything slow starts at once: the gate worker imports its gates, git works out the tree,
  // and meanwhile the ledger opens (loading the native module is synchronous).
  mark('hook entered')
  const runner = startRunner(io)
  const snapshotting = indexSnapshot(options)
  const heading = headInfo(options)
  const dirty = git(['diff', '--quiet'], options)
  const gitDir = gitOk(['rev-parse', '--absolute-git-dir'], options)
  const session = new HookSession({ kind: 'pre-commit', command: 'pre-commit', argv: io.argv, warn: io.err })
  mark('ledger opened')
  let snapshot: Snapshot
  try {
    snapshot = await snapshotting
    mark('index read')
  } catch (error) {
    runner.dispose()
    return failed(io, session, error)
  }
  const head = await heading
  session.start({ ...head, dirty: (await dirty).code === 1, tree: snapshot.tree })
  return gateAndRecord(io, session, snapshot, 'pre-commit', runner, configCachePath(await gitDir))
}

/**
 * Re-gates commits after the fact (`hook gate <rev|range>…`): the same steps on each commit's
 * own bytes and the files it changed. A pass links the commit to the new session, so a commit
 * made with --no-verify or HUSKY=0 stops being ungated once its content has been checked.
 */
export async function gateCommits(io: HookIo, revs: readonly string[]): Promise<number> {
  const options = { cwd: io.cwd, env: io.env }
  const cache = configCachePath(await gitOk(['rev-parse', '--absolute-git-dir'], options))
  let worst: number = EXIT.ok
  for (const sha of await expandRevs(revs, io)) {
    const snapshot = await commitSnapshot(sha, options)
    const session = new HookSession({ kind: 'pre-commit', command: `gate ${sha}`, argv: io.argv, warn: io.err })
    const head = await headInfo(options)
    session.start({ sha: snapshot.source, branch: head.branch, dirty: null, tree: snapshot.tree })
    io.err(`codex-gates: gating commit ${sha.slice(0, 12)}`)
    const code = await gateAndRecord(io, session, snapshot, 'gate', startRunner(io), cache, (passed) =>
      passed
        ? session.add('commits', {
            sha: snapshot.source,
            tree: snapshot.tree,
            session_id: session.id,
            linked_at: new Date().toISOString(),
          })
        : undefined,
    )
    worst = Math.max(worst, code)
  }
  return worst
}

// --- internal ---

async function gateAndRecord(
  io: HookIo,
  session: HookSession,
  snapshot: Snapshot,
  hook: string,
  runner: GateRunner,
  configCache: string,
  beforeFinish?: (passed: boolean) => void,
): Promise<number> {
  const skip = parseSkip(io.env.SKIP, PRE_COMMIT_STEP_NAMES)
  const unknown = unknownSkipWarning(skip.unknown, PRE_COMMIT_STEP_NAMES)
  if (unknown) io.err(unknown)
  let result: GateSnapshotResult
  try {
    result = await gateSnapshot({
      git: { cwd: io.cwd, env: io.env },
      snapshot,
      skip,
      runner,
      configCache,
      who: () => whoAmI({ cwd: io.cwd, env: io.env }),
      signal: io.signal,
      onTempDir: io.onTempDir,
    })
  } catch (error) {
    return failed(io, session, error, hook)
  }
  mark('steps done')
  const { outcomes } = result
  session.event({
    role: 'system',
    message: `snapshot of ${snapshot.source === 'index' ? 'the index' : snapshot.source} (tree ${snapshot.tree.slice(0, 12)}): ${result.files} changed files, ${result.exported} exported in ${Math.round(result.snapshotMs)} ms`,
    data: {
      step: 'snapshot',
      tree: snapshot.tree,
      changed: result.files,
      exported: result.exported,
      sparse: result.sparse,
      duration_ms: Math.round(result.snapshotMs),
      timeline: timeline(),
    },
  })
  for (const o of outcomes) {
    const level = isBlocking(o) ? 'error' : o.skippedBy || o.findings.length > 0 ? 'warn' : 'info'
    const detail = o.status === 'skipped' ? ` (${o.reason})` : ` in ${Math.round(o.durationMs)} ms`
    session.event({
      role: 'tool',
      level,
      message: `step ${o.name} ${o.status}${detail}${o.skippedBy ? ` by ${o.skippedBy.who} at ${o.skippedBy.at}` : ''}`,
      data: {
        step: o.name,
        status: o.status,
        duration_ms: Math.round(o.durationMs * 10) / 10,
        files: o.files,
        findings: o.findings.length,
        reason: o.reason ?? null,
        skipped_by: o.skippedBy ?? null,
      },
    })
    for (const e of o.events) session.event(e)
    session.findings(o.findings)
    session.add('gate_runs', {
      session_id: session.id,
      gate: o.name,
      status: o.status === 'passed' || o.status === 'skipped' ? o.status : 'failed',
      duration_ms: Math.round(o.durationMs * 10) / 10,
      findings_count: o.findings.length,
      reason: o.reason ?? null,
    })
  }
  const interrupted = io.signal?.aborted === true
  const blocked = outcomes.some(isBlocking)
  const failures = formatFailures(outcomes)
  if (failures) io.err(failures)
  io.err(formatSummary(hook, outcomes, { files: result.files, snapshotMs: result.snapshotMs, totalMs: io.elapsed() }))
  if (blocked && !interrupted) {
    const names = outcomes.filter(isBlocking).map((o) => o.name)
    io.err(
      `${hook === 'gate' ? 'commit not gated' : 'commit refused'}: fix the findings above${hook === 'gate' ? '' : ', `git add` the fixes and commit again'}; your work tree and index are untouched.\n` +
        `  to skip a step once (recorded in the ledger): SKIP=${names.join(',')} git commit …\n` +
        `  details: npm run ledger -- show ${session.id.slice(0, 8)}`,
    )
  }
  if (io.env.CODEX_HOOK_TRACE === '1') io.err(timeline().map((m) => `${m.label} ${m.ms}ms`).join(' · '))
  beforeFinish?.(!blocked && !interrupted)
  const count = (status: string) => outcomes.filter((o) => o.status === status).length
  session.finish(interrupted ? 'interrupted' : blocked ? 'failed' : 'passed', {
    tests_total: outcomes.length,
    tests_passed: count('passed'),
    tests_failed: outcomes.filter(isBlocking).length,
    tests_skipped: count('skipped'),
  })
  if (interrupted) return EXIT.interrupted
  return blocked ? EXIT.failed : EXIT.ok
}

/**
 * Ends a session whose steps could not run. After Ctrl-C that is an interruption (a git child may
 * have died of the same signal first), never a bug; otherwise the error goes on to the user.
 */
function failed(io: HookIo, session: HookSession, error: unknown, hook = 'pre-commit'): number {
  if (io.signal?.aborted) {
    session.finish('interrupted')
    return EXIT.interrupted
  }
  session.event({
    role: 'system',
    level: 'error',
    message: `${hook} could not run its steps: ${error instanceof Error ? error.message : String(error)}`,
    data: { code: isUserError(error) ? error.code : 'BUG' },
  })
  session.finish('failed')
  throw error
}

/** The gate worker, started before anything else so its imports overlap git and the ledger. */
function startRunner(io: HookIo): GateRunner {
  const skip = parseSkip(io.env.SKIP, PRE_COMMIT_STEP_NAMES).skip
  return new GateRunner(PRE_COMMIT_STEPS.filter((s) => s.name !== 'lint' && !skip.has(s.name)).map((s) => s.name))
}

/** Validated gate configs are cached in the git dir: per repository, never in the work tree. */
function configCachePath(gitDir: string): string {
  return join(gitDir, 'codex-gates', 'hook-config.json')
}

async function expandRevs(revs: readonly string[], io: HookIo): Promise<string[]> {
  const shas: string[] = []
  for (const rev of revs) {
    const args = rev.includes('..') ? ['rev-list', '--reverse', rev] : ['rev-parse', '--verify', `${rev}^{commit}`]
    const result = await git(args, { cwd: io.cwd, env: io.env })
    if (result.code !== 0) {
      throw new UserError(
        'BAD_REV',
        `${HOOK_COMMAND} gate: "${rev}" is not a commit or range here (${result.stderr.trim() || 'unknown revision'})`,
        'give a commit (abc1234, HEAD~2) or a range (origin/main..HEAD); see `npm run ledger -- ungated`',
      )
    }
    shas.push(...result.stdout.split('\n').filter(Boolean))
  }
  return [...new Set(shas)]
}

import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { connectRuffServer } from '../../adapters/ruff-server/ruff-client.ts'
import { stopRuffServers } from '../../adapters/ruff-server/ruff-server-admin.ts'
import { ruffSockets } from '../../adapters/ruff-server/ruff-server-place.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { median } from './stats.ts'

/** One way of running the hook: its python-lint step and whole-process time (ms, medians over the runs). */
export interface HookVariantFigures {
  stepMs: number
  hookMs: number
  /** Every run's step time, in order. */
  steps: number[]
  /** How each run's python-lint was served, from its ledger event: `served`, `cold` or `fallback`. */
  served: string[]
}

/** What the pre-commit hook spent on a one-file Python change (ms, medians over the runs). */
export interface PythonHookFigures {
  runs: number
  /** The python-lint step with the warm ruff server answering (the target). */
  warm: HookVariantFigures
  /** With CODEX_RUFF_SERVER=0: ruff compiled in the hook's worker, as before the server. */
  cold: HookVariantFigures
  /** No server running yet: linted in-process, and the hook starts one for the next commit. */
  first: HookVariantFigures
  /** What starting the server cost that first hook (the spawn call in its worker, from its ledger event). */
  spawnMs: number
  /** How long the started server took until it answered a hello (ruff compiled and warmed up in it). */
  readyMs: number
  /** The same hook in the same rounds with `SKIP=python-lint`: the anchor. */
  skippedMs: number
  /** The cold hook's worker warm-up: its length, how much of it ran before the job was posted, and how long the job waited for it. */
  warmUpMs: number
  overlappedMs: number
  waitedMs: number
}

/**
 * Runs the real pre-commit hook (`node .husky/launch.mjs pre-commit`, the bundled runner) `runs`
 * rounds on one staged change to `file` in a fresh repository holding `pyproject` and that file,
 * and reads the python-lint step back from each variant's ledger. Each round, in this order: the
 * hook with CODEX_RUFF_SERVER=0 (cold: today's in-process figure); every server stopped, the hook
 * that finds none (it lints in-process and starts one); once that server answers, the hook again
 * (warm: the target); and the hook with `SKIP=python-lint` (the anchor). The servers' sockets go
 * under a folder of `work` (XDG_RUNTIME_DIR), never the user's; all are stopped at the end.
 */
export async function measurePythonHook(
  work: string,
  change: { pyproject: string; file: string; text: string },
  runs: number,
): Promise<PythonHookFigures> {
  const repo = join(work, 'hook-repo')
  const runtime = join(work, 'run')
  mkdirSync(runtime, { mode: 0o700 })
  const env = { ...hookEnv(work), XDG_RUNTIME_DIR: runtime }
  const sockets = join(runtime, 'codex-gates')
  mkdirSync(dirname(join(repo, change.file)), { recursive: true })
  writeFileSync(join(repo, 'pyproject.toml'), change.pyproject)
  writeFileSync(join(repo, change.file), change.text)
  git(repo, env, ['init', '-q', '-b', 'main'])
  git(repo, env, ['add', '-A'])
  git(repo, env, ['commit', '-q', '--no-verify', '-m', 'bench base'])
  appendFileSync(join(repo, change.file), '# bench: a one-line change\n')
  git(repo, env, ['add', change.file])

  const hook = (extra: NodeJS.ProcessEnv) => {
    const started = performance.now()
    const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, '.husky', 'launch.mjs'), 'pre-commit'], {
      cwd: repo,
      env: { ...env, ...extra },
      stdio: 'pipe',
      encoding: 'utf8',
    })
    if (r.status !== 0 && r.status !== 1)
      throw new Error(`BUG: the pre-commit hook failed (exit ${r.status}): ${r.stderr}`)
    return performance.now() - started
  }
  const ledgers = {
    cold: join(work, 'hook-cold.db'),
    first: join(work, 'hook-first.db'),
    warm: join(work, 'hook-warm.db'),
  }
  try {
    hook({ CODEX_LEDGER: join(work, 'hook-setup.db'), CODEX_RUFF_SERVER: '0' }) // builds the bundle if stale
    const ms = { cold: [] as number[], first: [] as number[], warm: [] as number[], skipped: [] as number[] }
    const ready: number[] = []
    for (let i = 0; i < runs; i++) {
      ms.cold.push(hook({ CODEX_LEDGER: ledgers.cold, CODEX_RUFF_SERVER: '0' }))
      await stopServers(sockets)
      ms.first.push(hook({ CODEX_LEDGER: ledgers.first }))
      ready.push(await untilServed(sockets))
      ms.warm.push(hook({ CODEX_LEDGER: ledgers.warm }))
      ms.skipped.push(hook({ CODEX_LEDGER: join(work, 'hook-skipped.db'), SKIP: 'python-lint' }))
    }
    const cold = readSteps(ledgers.cold)
    const first = readSteps(ledgers.first)
    const warm = readSteps(ledgers.warm)
    for (const [name, steps] of [
      ['cold', cold],
      ['first', first],
      ['warm', warm],
    ] as const) {
      if (steps.steps.length !== runs)
        throw new Error(`BUG: ${runs} ${name} hook runs recorded ${steps.steps.length} python-lint steps`)
    }
    const of = (key: keyof WarmUp) => median(cold.warmUps.map((w) => w[key]))
    const figures = (steps: Steps, hookMs: number[]): HookVariantFigures => ({
      stepMs: median(steps.steps),
      hookMs: median(hookMs),
      steps: steps.steps,
      served: steps.served,
    })
    return {
      runs,
      warm: figures(warm, ms.warm),
      cold: figures(cold, ms.cold),
      first: figures(first, ms.first),
      spawnMs: median(first.spawnMs),
      readyMs: median(ready),
      skippedMs: median(ms.skipped),
      warmUpMs: of('warm_up_ms'),
      overlappedMs: of('overlapped_ms'),
      waitedMs: of('waited_ms'),
    }
  } finally {
    await stopServers(sockets)
  }
}

// --- internal ---

interface WarmUp {
  warm_up_ms: number
  overlapped_ms: number
  waited_ms: number
}

interface Steps {
  steps: number[]
  warmUps: WarmUp[]
  served: string[]
  spawnMs: number[]
}

function readSteps(path: string): Steps {
  const ledger = openLedger(path, { readonly: true })
  try {
    const rows = ledger.all<{ data_json: string }>(
      `SELECT e.data_json FROM events e JOIN sessions s ON s.id = e.session_id
        WHERE s.kind = 'pre-commit' AND e.data_json IS NOT NULL ORDER BY e.rowid`,
    )
    const steps: number[] = []
    const warmUps: WarmUp[] = []
    const served: string[] = []
    const spawnMs: number[] = []
    for (const row of rows) {
      const data = JSON.parse(row.data_json) as Partial<WarmUp> & {
        step?: string
        duration_ms?: number
        ruff_server?: string
        why?: string
        spawn_ms?: number
      }
      if (data.step !== 'python-lint') continue
      if (typeof data.duration_ms === 'number') steps.push(data.duration_ms)
      if (typeof data.warm_up_ms === 'number') warmUps.push(data as WarmUp)
      if (typeof data.ruff_server === 'string')
        served.push(data.why ? `${data.ruff_server} (${data.why})` : data.ruff_server)
      if (typeof data.spawn_ms === 'number') spawnMs.push(data.spawn_ms)
    }
    return { steps, warmUps, served, spawnMs }
  } finally {
    ledger.close()
  }
}

/** Stops every server with a socket in `dir` (any identity), once its folder exists. */
async function stopServers(dir: string): Promise<void> {
  if (existsSync(dir)) await stopRuffServers(dir, 10_000)
}

/** Waits until a server in `dir` says it is warm (ruff compiled and warmed up in it); ms waited. */
async function untilServed(dir: string): Promise<number> {
  const started = performance.now()
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    for (const path of existsSync(dir) ? ruffSockets(dir) : []) {
      const { client } = await connectRuffServer(path, undefined, 10_000)
      const warm = client ? (await client.status(10_000).catch(() => undefined))?.warm : false
      client?.close()
      if (warm) return performance.now() - started
    }
    await sleep(10)
  }
  throw new Error('BUG: the hook started no ruff server that was warm within 30 s')
}

/** The caller's environment without git's and the hooks' own variables, with a throwaway identity and config. */
function hookEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('GIT_') && name !== 'HUSKY' && name !== 'SKIP' && !name.startsWith('CODEX_')) env[name] = value
  }
  const config = join(work, 'gitconfig')
  writeFileSync(config, '[user]\n  name = Bench\n  email = bench@example.test\n')
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: config, XDG_CONFIG_HOME: work }
}

function git(cwd: string, env: NodeJS.ProcessEnv, args: string[]): void {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`BUG: git ${args.join(' ')} failed in the python bench: ${r.stderr}`)
}

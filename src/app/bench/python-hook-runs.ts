import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { median } from './stats.ts'

/** What the pre-commit hook spent on a one-file Python change (ms, medians over the runs). */
export interface PythonHookFigures {
  runs: number
  /** The python-lint step as the hook times it: from the job's posting to its findings (the ledger's `duration_ms`). */
  stepMs: number
  /** The hook process, as git starts it (node, the bundled runner), with python-lint. */
  hookMs: number
  /** The same hook in the same rounds with `SKIP=python-lint`: the anchor. */
  skippedMs: number
  /** The worker's ruff warm-up: its length, how much of it ran before the job was posted, and how long the job waited for it. */
  warmUpMs: number
  overlappedMs: number
  waitedMs: number
  /** Every run's step time, in order. */
  steps: number[]
}

/**
 * Runs the real pre-commit hook (`node .husky/launch.mjs pre-commit`, the bundled runner) `runs`
 * times on one staged change to `file` in a fresh repository holding `pyproject` and that file,
 * interleaved with the same hook under `SKIP=python-lint`, and reads the python-lint step and
 * its warm-up back from the ledger. One run first, not counted: it builds the bundle if stale.
 */
export function measurePythonHook(
  work: string,
  change: { pyproject: string; file: string; text: string },
  runs: number,
): PythonHookFigures {
  const repo = join(work, 'hook-repo')
  const env = hookEnv(work)
  mkdirSync(dirname(join(repo, change.file)), { recursive: true })
  writeFileSync(join(repo, 'pyproject.toml'), change.pyproject)
  writeFileSync(join(repo, change.file), change.text)
  git(repo, env, ['init', '-q', '-b', 'main'])
  git(repo, env, ['add', '-A'])
  git(repo, env, ['commit', '-q', '--no-verify', '-m', 'bench base'])
  appendFileSync(join(repo, change.file), '# bench: a one-line change\n')
  git(repo, env, ['add', change.file])

  const ledger = join(work, 'hook-ledger.db')
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
  hook({ CODEX_LEDGER: join(work, 'hook-warm.db') })
  const hookMs: number[] = []
  const skippedMs: number[] = []
  for (let i = 0; i < runs; i++) {
    hookMs.push(hook({ CODEX_LEDGER: ledger }))
    skippedMs.push(hook({ CODEX_LEDGER: join(work, 'hook-skipped.db'), SKIP: 'python-lint' }))
  }
  const { steps, warmUps } = readSteps(ledger)
  if (steps.length !== runs) throw new Error(`BUG: ${runs} hook runs recorded ${steps.length} python-lint steps`)
  const of = (key: keyof WarmUp) => median(warmUps.map((w) => w[key]))
  return {
    runs,
    stepMs: median(steps),
    hookMs: median(hookMs),
    skippedMs: median(skippedMs),
    warmUpMs: of('warm_up_ms'),
    overlappedMs: of('overlapped_ms'),
    waitedMs: of('waited_ms'),
    steps,
  }
}

// --- internal ---

interface WarmUp {
  warm_up_ms: number
  overlapped_ms: number
  waited_ms: number
}

function readSteps(path: string): { steps: number[]; warmUps: WarmUp[] } {
  const ledger = openLedger(path, { readonly: true })
  try {
    const rows = ledger.all<{ data_json: string }>(
      `SELECT e.data_json FROM events e JOIN sessions s ON s.id = e.session_id
        WHERE s.kind = 'pre-commit' AND e.data_json IS NOT NULL ORDER BY e.rowid`,
    )
    const steps: number[] = []
    const warmUps: WarmUp[] = []
    for (const row of rows) {
      const data = JSON.parse(row.data_json) as Partial<WarmUp> & { step?: string; duration_ms?: number }
      if (data.step !== 'python-lint') continue
      if (typeof data.duration_ms === 'number') steps.push(data.duration_ms)
      if (typeof data.warm_up_ms === 'number') warmUps.push(data as WarmUp)
    }
    return { steps, warmUps }
  } finally {
    ledger.close()
  }
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

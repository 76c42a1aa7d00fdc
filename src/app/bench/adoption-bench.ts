import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import { HUSKY_STUB } from '../../foundation/build/husky-runtime.mjs'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { stagePrebuiltSqlite } from './prebuilt-sqlite.ts'
import { awaitStandby, stopStandby } from './standby-waits.ts'
import { median, round2 } from './stats.ts'

const FIXTURES = ['python-ml', 'ts-lib'] as const

const OPTIONS = {
  runs: { type: 'integer', valueName: 'n', default: 5, description: 'warm runs per fixture (at least 1)' },
  fixture: { type: 'string', choices: FIXTURES, description: 'one fixture only (default: both)' },
  'build-from-source': {
    type: 'boolean',
    description: 'compile better-sqlite3 as an install without a reachable prebuilt binary must',
  },
} as const satisfies OptionDefs

/**
 * `npm run bench -- adoption`: what adopting codex-gates costs in someone else's repository, on
 * the two adoption fixtures. Packs the tarball once, then per fixture, in a fresh copy with its own
 * git history: `npm i -D <tarball> --prefer-offline`, `npx codex-gates init`, the first
 * `npx codex-gates run` (the sum is "install to first green run"), then warm runs. better-sqlite3
 * comes from the binary this checkout built, staged as a local prebuild (what the adoption specs
 * do); `--build-from-source` compiles it as an install without a reachable prebuilt binary must.
 */
export const adoptionBench = defineBench({
  name: 'adoption',
  summary: 'install to first green run of codex-gates in the two adoption fixtures',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { runs } = values
  if (runs < 1) throw new UserError('BAD_FLAG', '--runs must be at least 1', 'e.g. --runs 5')
  const fixture = values.fixture
  const fixtures = fixture ? [fixture] : [...FIXTURES]
  const work = mkdtempSync(join(tmpdir(), 'bench-adoption-'))
  try {
    const packStarted = performance.now()
    execFileSync(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'build-dist.mjs')], {
      cwd: PACKAGE_ROOT,
      stdio: 'pipe',
    })
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: PACKAGE_ROOT, stdio: 'pipe' })
    const packMs = Math.round(performance.now() - packStarted)
    const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string)
    const prebuilds = values['build-from-source']
      ? undefined
      : stagePrebuiltSqlite(PACKAGE_ROOT, join(work, 'prebuilds'))
    const rows: BenchRow[] = fixtures.map((name) => adoptOne(work, name, tarball, prebuilds, runs))
    return {
      name: 'adoption',
      rows,
      notes: [
        `npm pack (dist/ built by TypeScript 7, then packed): ${packMs} ms, once`,
        `hook_median_ms: the pre-commit hook init writes, on a one-file change as git runs it (husky's runtime, sh, node), answered by the standby the run before left (waited for, so its start overlaps no timed run), ${Math.max(runs, 5)} runs; hook_no_standby_ms: the same with CODEX_HOOK_STANDBY=0 (a first commit); earlier_hook_median_ms: the one an earlier init wrote (the bin link, NODE_EXTRA_CA_CERTS ${userEnv({}).NODE_EXTRA_CA_CERTS ? 'parsed' : 'unset here'}, husky's runtime as shipped) and lint-staged with a no-op task (lint_staged_noop_ms) in the same rounds`,
        `to_first_green_ms = install_ms + init_ms + first_run_ms (wall time from \`npm i -D\` to the first passing \`codex-gates run\`); warm = ${runs} more runs, gate results cached where inputs are unchanged`,
        prebuilds
          ? "better-sqlite3: the binary this checkout's npm ci compiled, served as a local prebuild (npm_config_better_sqlite3_local_prebuilds); --build-from-source measures the compile"
          : 'better-sqlite3: compiled from source during the install (no prebuilt binary reachable)',
      ],
      extra: { pack_ms: packMs, sqlite: prebuilds ? 'local prebuild' : 'compiled' },
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// --- internal ---

function adoptOne(work: string, name: string, tarball: string, prebuilds: string | undefined, runs: number): BenchRow {
  const dir = join(work, 'repos', name)
  cpSync(join(PACKAGE_ROOT, 'specs', 'fixtures', 'adoption', name), dir, { recursive: true })
  const env = userEnv(prebuilds ? { npm_config_better_sqlite3_local_prebuilds: prebuilds } : {})
  const step = (command: string, args: string[]) => {
    const started = performance.now()
    const result = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    const ms = Math.round(performance.now() - started)
    if (result.status !== 0)
      throw new Error(
        `${name}: ${command} ${args.join(' ')} exited ${result.status}:\n${`${result.stdout}${result.stderr}`.slice(-3000)}`,
      )
    return ms
  }
  step('git', ['init', '-q', '-b', 'main'])
  step('git', ['add', '-A'])
  step('git', ['commit', '-q', '-m', 'initial'])
  const install = step('npm', ['i', '-D', tarball, '--prefer-offline', '--no-audit', '--no-fund'])
  const init = step('npx', ['--no', 'codex-gates', 'init'])
  const first = step('npx', ['--no', 'codex-gates', 'run'])
  const warm = Array.from({ length: runs }, () => step('npx', ['--no', 'codex-gates', 'run'])).sort((a, b) => a - b)
  const hookStarted = performance.now()
  step('git', ['add', '-A'])
  step('git', ['commit', '-q', '-m', 'Adopt codex-gates'])
  const commit = Math.round(performance.now() - hookStarted)
  const hook = hookRounds(dir, env, runs)
  return {
    fixture: name,
    install_ms: install,
    init_ms: init,
    first_run_ms: first,
    to_first_green_ms: install + init + first,
    warm_run_median_ms: warm[Math.floor(warm.length / 2)] as number,
    warm_run_min_ms: warm[0] as number,
    adoption_commit_ms: commit,
    hook_median_ms: hook.current,
    earlier_hook_median_ms: hook.earlier,
    hook_ratio: round2(hook.current / hook.earlier),
    lint_staged_noop_ms: hook.lintStaged,
    hook_vs_lint_staged: round2(hook.current / hook.lintStaged),
    hook_no_standby_ms: hook.cold,
    hook_no_standby_vs_lint_staged: round2(hook.cold / hook.lintStaged),
  }
}

/**
 * The pre-commit hook on a one-file change (a new text file staged), as git runs it, `runs` times:
 * the one init wrote, and in the same rounds the one an earlier init wrote (the bin link, husky's
 * runtime as it ships), and lint-staged with a no-op task on the same change (its own overhead,
 * the issue's anchor), so the medians compare on the same load.
 */
function hookRounds(
  dir: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Record<'current' | 'cold' | 'earlier' | 'lintStaged', number> {
  writeFileSync(join(dir, 'bench-change.txt'), 'a one-file change\n')
  spawnSync('git', ['add', 'bench-change.txt'], { cwd: dir, env })
  const slow = join(dir, '.husky', 'bench-slow')
  mkdirSync(slow, { recursive: true })
  copyFileSync(join(dir, 'node_modules', 'husky', 'husky'), join(slow, 'h'))
  writeFileSync(join(slow, 'pre-commit-earlier'), HUSKY_STUB)
  writeFileSync(join(dir, '.husky', 'pre-commit-earlier'), './node_modules/.bin/codex-gates hook pre-commit\n')
  const noOp = join(dir, '..', 'lint-staged.config.mjs')
  writeFileSync(noOp, "export default { '*': () => 'true' }\n")
  const lintStaged = [process.execPath, join(PACKAGE_ROOT, 'node_modules', 'lint-staged', 'bin', 'lint-staged.js')]
  const samples = { current: [] as number[], cold: [] as number[], earlier: [] as number[], lintStaged: [] as number[] }
  // Only the hook init writes uses the standby the last commit left (waited for after each of its
  // runs); the same hook without one, and the earlier hook, run with CODEX_HOOK_STANDBY=0.
  const noStandby: NodeJS.ProcessEnv = { ...env, CODEX_HOOK_STANDBY: '0' }
  const once = (command: string, args: string[] = [], runEnv = noStandby) => {
    const started = performance.now()
    const result = spawnSync(command, args, { cwd: dir, env: runEnv, encoding: 'utf8' })
    const ms = performance.now() - started
    if (result.status !== 0)
      throw new Error(`BUG: ${command} ${args.join(' ')} failed on the bench change:\n${result.stdout}${result.stderr}`)
    return ms
  }
  const [node, bin] = lintStaged as [string, string]
  const current = () => {
    const ms = once('sh', [join('.husky', '_', 'pre-commit')], env)
    awaitStandby(dir)
    return ms
  }
  current() // warm-up: the code cache for the hook verb, and a standby for the first round
  for (let i = 0; i < Math.max(runs, 5); i++) {
    samples.current.push(current())
    samples.cold.push(once('sh', [join('.husky', '_', 'pre-commit')]))
    samples.earlier.push(once('sh', [join('.husky', 'bench-slow', 'pre-commit-earlier')]))
    samples.lintStaged.push(once(node, [bin, '--config', noOp]))
  }
  stopStandby(dir, [join(dir, 'node_modules', 'codex-gates', 'dist', 'src', 'app', 'cli', 'main.cjs'), 'hook'], env)
  rmSync(slow, { recursive: true, force: true })
  rmSync(join(dir, '.husky', 'pre-commit-earlier'))
  return {
    current: Math.round(median(samples.current)),
    cold: Math.round(median(samples.cold)),
    earlier: Math.round(median(samples.earlier)),
    lintStaged: Math.round(median(samples.lintStaged)),
  }
}

/** A user's shell: no Vitest, npm-script, git-hook or codex-gates variables from this process. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|registry|userconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|CODEX_|GATES_|GIT_|HUSKY|NODE_OPTIONS$|NODE_ENV$)/.test(key)) continue
    if (/^npm_/i.test(key) && !keep.test(key)) continue
    env[key] = value
  }
  return {
    ...env,
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.org',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.org',
    ...extra,
  }
}

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { GATE_NAMES } from '../../domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../domain/gates/repo-files.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'
import { median, round2 } from './stats.ts'
import { type Timed, timed } from './timed-process.ts'

/** The issue's targets: warm ≥ 2× faster than pre-commit, cold no slower, the hook ≤ 300 ms median. */
const WARM_RATIO = 2
const COLD_RATIO = 1
const HOOK_MS = 300

const OPTIONS = {
  runs: { type: 'integer', valueName: 'n', default: 5, description: 'timed cold and warm runs (at least 1)' },
  'hook-runs': { type: 'integer', valueName: 'n', default: 10, description: 'timed commit-hook runs (at least 1)' },
  files: { type: 'integer', valueName: 'n', default: 400, description: 'files in the fixture repository' },
  runner: {
    type: 'string',
    choices: ['tsx', 'dist'],
    description: 'how codex-gates starts (default: dist when built, else tsx)',
  },
  keep: { type: 'boolean', description: 'keep the fixture folder and print where it is' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- precommit`: Debian's `pre-commit` (offline: local hooks only) against
 * `codex-gates run` on one fixture repository and one `.pre-commit-config.yaml` both can run —
 * pre-commit-hooks' checks as `pygrep` hooks, plus two local `language: system` command hooks
 * (Python scripts that parse every JSON file and every Python file). codex-gates reads the same
 * file (its built-in gates switched off in codex-gates.json, so both run the same checks).
 * Timed, interleaved: cold (fresh caches), warm (again, unchanged), and at commit time on a
 * one-file change (`pre-commit run` on the staged file vs the codex-gates pre-commit hook).
 */
export const precommitBench = defineBench({
  name: 'precommit',
  summary: "Debian's pre-commit against codex-gates run on one .pre-commit-config.yaml",
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>, io: Io): Promise<BenchResult> {
  const { runs, 'hook-runs': hookRuns, files: size } = values
  if (runs < 1 || hookRuns < 1)
    throw new UserError('BAD_FLAG', '--runs and --hook-runs must be at least 1', 'e.g. --runs 5')
  const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' })
  if (version.status !== 0) {
    throw new UserError(
      'NO_PRE_COMMIT',
      'pre-commit is not installed: the benchmark compares codex-gates with it',
      "install Debian's package as root: `apt-get install -y pre-commit` (offline it runs local, system and pygrep hooks)",
    )
  }
  const runner = codexRunner(values.runner)
  const work = mkdtempSync(join(tmpdir(), 'bench-precommit-'))
  try {
    const repo = fixtureRepository(join(work, 'repo'), size)
    const env = benchEnv(work)
    const samples: Record<string, number[]> = {
      'pre-commit cold': [],
      'codex-gates cold': [],
      'pre-commit warm': [],
      'codex-gates warm': [],
      'pre-commit hook': [],
      'codex-gates hook': [],
    }
    const cpu: Record<string, number[]> = {}
    const record = (key: string, t: Timed) => {
      if (t.code > 1) throw new Error(`BUG: ${key} exited ${t.code}:\n${t.output.slice(-4000)}`)
      samples[key]?.push(t.ms)
      cpu[key] = [...(cpu[key] ?? []), t.cpuMs]
    }
    // Whole-repository runs. Cold: caches that do not exist yet (pre-commit's store; codex-gates'
    // result cache and tool-version memo). Warm: the same again.
    for (let i = 0; i < runs; i++) {
      const preHome = join(work, `pre-commit-home-${i}`)
      const cache = join(work, `cold-${i}`)
      record('pre-commit cold', preCommitAll(repo, { ...env, PRE_COMMIT_HOME: preHome }))
      record('codex-gates cold', codexRun(repo, runner, codexEnv(env, cache)))
      record('pre-commit warm', preCommitAll(repo, { ...env, PRE_COMMIT_HOME: preHome }))
      record('codex-gates warm', codexRun(repo, runner, codexEnv(env, cache)))
    }
    // Commit time: one staged file, each tool's hook on it (not committed, so every run is the same).
    const warmHome = join(work, 'pre-commit-home-0')
    writeFileSync(join(repo, 'pkg/mod_0007.py'), `${moduleText(7)}\n# edited\n`)
    git(repo, env, ['add', 'pkg/mod_0007.py'])
    const hookEnv = codexEnv(env, join(work, 'hook'))
    const warmUp = codexHook(repo, hookEnv) // builds the hook bundle if stale; not counted
    if (warmUp.code !== 0)
      throw new Error(`BUG: the codex-gates hook fails on the fixture:\n${warmUp.output.slice(-4000)}`)
    for (let i = 0; i < hookRuns; i++) {
      record(
        'pre-commit hook',
        timed('pre-commit', ['run', '--color', 'never'], repo, { ...env, PRE_COMMIT_HOME: warmHome }),
      )
      record('codex-gates hook', codexHook(repo, hookEnv))
    }

    const med = (key: string) => Math.round(median(samples[key] ?? []))
    const cpuMed = (key: string) => Math.round(median(cpu[key] ?? []))
    const row = (what: string, pre: string, ours: string): BenchRow => ({
      run: what,
      'pre-commit median ms': med(pre),
      'codex-gates median ms': med(ours),
      'ratio (pre-commit / codex-gates)': round2(med(pre) / med(ours)),
      'pre-commit CPU ms': cpuMed(pre),
      'codex-gates CPU ms': cpuMed(ours),
    })
    const rows = [
      row(`--all-files, cold (${size} files)`, 'pre-commit cold', 'codex-gates cold'),
      row(`--all-files, warm (${size} files)`, 'pre-commit warm', 'codex-gates warm'),
      row('commit hook, one staged file', 'pre-commit hook', 'codex-gates hook'),
    ]
    const warm = med('pre-commit warm') / med('codex-gates warm')
    const cold = med('pre-commit cold') / med('codex-gates cold')
    return {
      name: 'precommit',
      rows,
      targets: [
        { target: `warm run >= ${WARM_RATIO}x faster than pre-commit`, value: round2(warm), met: warm >= WARM_RATIO },
        {
          target: `cold run no slower than pre-commit (ratio >= ${COLD_RATIO})`,
          value: round2(cold),
          met: cold >= COLD_RATIO,
        },
        {
          target: `commit hook on a one-file change <= ${HOOK_MS} ms median`,
          value: med('codex-gates hook'),
          met: med('codex-gates hook') <= HOOK_MS,
        },
      ],
      notes: [
        `${version.stdout.trim()} (Debian) vs codex-gates run through ${runner.label}; ${runs} whole-repository runs and ${hookRuns} hook runs each, interleaved`,
        `one .pre-commit-config.yaml: ${HOOKS.length} pygrep hooks (pre-commit-hooks' checks) and 2 local system hooks (python3 scripts); codex-gates.json turns its ${GATE_NAMES.length} built-in gates off`,
        'cold: a fresh PRE_COMMIT_HOME for pre-commit; a fresh result cache and tool-version memo for codex-gates. Warm: the same again, unchanged',
        'codex-gates hook: node .husky/launch.mjs pre-commit (the bundled runner) on the staged snapshot; pre-commit hook: `pre-commit run` (staged files)',
        `figures from a shared machine (load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(
            ' ',
          )} at the end, ${availableParallelism()} CPUs): compare ratios within one run; CPU ms = user + system of the process tree (GNU time), less sensitive to neighbours than wall time`,
      ],
      extra: { samples, cpu, size, runner: runner.label, loadavg: loadavg() },
    }
  } finally {
    if (values.keep) io.stderr(`bench precommit: kept ${work} (fixture in repo/)\n`)
    else rmSync(work, { recursive: true, force: true })
  }
}

// --- internal ---

/** pre-commit-hooks' checks as pygrep hooks: what Debian's pre-commit can run offline. */
const HOOKS = [
  { id: 'check-merge-conflict', entry: '^(<<<<<<< |=======$|>>>>>>> )', types: '[text]' },
  { id: 'trailing-whitespace', entry: '[ \\t]+$', types: '[text]', exclude: '\\.md$' },
  { id: 'detect-private-key', entry: 'BEGIN (RSA|DSA|EC|OPENSSH|PGP) PRIVATE KEY', types: '[text]' },
  { id: 'debug-statements', entry: '^\\s*(import pdb|import ipdb|breakpoint\\(\\))', types: '[python]' },
  { id: 'end-of-file', entry: '\\n\\Z', types: '[text]', args: '[--negate, --multiline]' },
  { id: 'no-tabs-in-yaml', entry: '\\t', types: '[yaml]' },
]

function preCommitConfig(): string {
  const pygrep = HOOKS.map(
    (h) =>
      `      - id: ${h.id}\n        name: ${h.id}\n        entry: '${h.entry.replace(/'/g, "''")}'\n        language: pygrep\n        types: ${h.types}\n${h.exclude ? `        exclude: '${h.exclude}'\n` : ''}${h.args ? `        args: ${h.args}\n` : ''}`,
  ).join('')
  return `repos:
  - repo: local
    hooks:
${pygrep}      - id: check-json-parse
        name: json parses
        entry: python3 tools/check_json.py
        language: system
        types: [json]
      - id: check-python-ast
        name: python parses
        entry: python3 tools/check_ast.py
        language: system
        types: [python]
`
}

const CHECK_JSON = `import json, sys

bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            json.load(f)
    except ValueError as e:
        print(f"{path}: {e}")
        bad = 1
sys.exit(bad)
`

const CHECK_AST = `import ast, sys

bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            ast.parse(f.read(), filename=path)
    except SyntaxError as e:
        print(f"{path}:{e.lineno}: {e.msg}")
        bad = 1
sys.exit(bad)
`

function moduleText(i: number): string {
  const lines = [`"""Module ${i} of the benchmark fixture."""`, '', 'import math', '']
  for (let f = 0; f < 12; f++) {
    lines.push(
      `def f_${i}_${f}(x: float) -> float:`,
      `    """Scaled sine number ${f}."""`,
      `    return math.sin(x * ${f + 1}) / ${f + 2}`,
      '',
    )
  }
  return lines.join('\n').trimEnd()
}

/** A repository of Python modules, JSON and YAML configs and Markdown notes; clean, so every run passes. */
function fixtureRepository(repo: string, size: number): string {
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true })
    writeFileSync(join(repo, path), text)
  }
  for (let i = 0; i < size; i++) {
    const kind = i % 4
    const n = String(i).padStart(4, '0')
    if (kind === 0 || kind === 1) write(`pkg/mod_${n}.py`, `${moduleText(i)}\n`)
    else if (kind === 2)
      write(
        `configs/run_${n}.json`,
        `${JSON.stringify({ run: i, lr: 0.001 * (i + 1), layers: [64, 64, 10] }, null, 2)}\n`,
      )
    else write(`configs/run_${n}.yaml`, `run: ${i}\nmodel:\n  layers: [64, 64, 10]\n  dropout: 0.1\n`)
  }
  write('README.md', '# Fixture\n\nA repository for `npm run bench -- precommit`.\n')
  write('tools/check_json.py', CHECK_JSON)
  write('tools/check_ast.py', CHECK_AST)
  write('.pre-commit-config.yaml', preCommitConfig())
  const off = Object.fromEntries(GATE_NAMES.map((g) => [g, { enabled: false }]))
  write('codex-gates.json', `${JSON.stringify({ gates: off }, null, 2)}\n`)
  const env = benchEnv(dirname(repo))
  git(repo, env, ['init', '-q', '-b', 'main'])
  git(repo, env, ['add', '-A'])
  git(repo, { ...env, HUSKY: '0' }, ['commit', '-q', '--no-verify', '-m', 'fixture'])
  return repo
}

function preCommitAll(repo: string, env: NodeJS.ProcessEnv): Timed {
  return timed('pre-commit', ['run', '--all-files', '--color', 'never'], repo, env)
}

interface Runner {
  label: string
  argv: string[]
}

/** How `codex-gates` is started: the built bin when dist/ exists (as installed), else tsx on the source. */
function codexRunner(choice: string | undefined): Runner {
  const dist = join(PACKAGE_ROOT, 'dist', 'src', 'app', 'cli', 'main.cjs')
  if (choice === 'dist' || (choice === undefined && existsSync(dist))) {
    if (!existsSync(dist))
      throw new UserError('BAD_FLAG', '--runner dist: dist/ is not built', 'run `npm run prepack` first')
    return { label: 'node dist/src/app/cli/main.cjs', argv: [process.execPath, dist] }
  }
  if (choice !== undefined && choice !== 'tsx')
    throw new UserError('BAD_FLAG', `--runner ${choice}: expected tsx or dist`, 'e.g. --runner tsx')
  return {
    label: 'tsx src/app/cli/main.ts',
    argv: [join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx'), join(PACKAGE_ROOT, 'src', 'app', 'cli', 'main.ts')],
  }
}

function codexRun(repo: string, runner: Runner, env: NodeJS.ProcessEnv): Timed {
  const [command, ...args] = runner.argv as [string, ...string[]]
  return timed(command, [...args, 'run', '--root', repo], repo, env)
}

function codexHook(repo: string, env: NodeJS.ProcessEnv): Timed {
  return timed(process.execPath, [join(PACKAGE_ROOT, '.husky', 'launch.mjs'), 'pre-commit'], repo, env)
}

/** Each codex-gates variant its own ledger, result cache and reports folder under `dir`. */
function codexEnv(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true })
  return {
    ...env,
    CODEX_LEDGER: join(dir, 'ledger.db'),
    CODEX_GATE_CACHE: join(dir, 'gate-cache.json'),
    CODEX_GATES_REPORTS: join(dir, 'reports'),
    CODEX_REPORTS: '0',
  }
}

function benchEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VITEST|TINYPOOL|GIT_|CODEX_|GATES_ROOT$|SKIP$|HUSKY$)/.test(k)) env[k] = v
  }
  return {
    ...env,
    NO_COLOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(work, 'gitconfig'),
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.test',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.test',
  }
}

function git(repo: string, env: NodeJS.ProcessEnv, args: string[]): void {
  const r = spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`BUG: git ${args.join(' ')} failed: ${r.stderr}`)
}

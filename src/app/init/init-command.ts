import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { GATE_NAMES, loadGatesConfig, resolveGatesConfig } from '../../domain/gates/gates-config.ts'
import { listRepoFiles } from '../../domain/gates/repo-files.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { gitRoot } from '../../foundation/fs/git-root.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { gatedRoot } from '../cli/gated-root.ts'
import { detectRepository, type RepositoryFacts } from './detect-repository.ts'
import type { FileChange } from './file-change.ts'
import { readHookSettings, runHusky } from './install-hooks.ts'
import { buildLedgerBinding } from './ledger-binding.ts'
import { type InitPlan, planInit } from './plan-init.ts'
import { runNpm } from './run-npm.ts'
import { planBaselines } from './take-baselines.ts'

/**
 * `codex-gates init`: adopts codex-gates in the repository. Detects what the repository holds,
 * plans every file (config, package.json, .gitignore, Vitest config, hook scripts, baselines),
 * checks it can write them all, then writes them and installs the hooks. Idempotent: a second
 * run finds nothing to change. `--dry-run` prints the plan and writes nothing.
 */
export const initCommand = defineCommand({
  name: 'init',
  summary: 'set codex-gates up in this repository: config, hooks, baselines',
  description: [
    'Writes codex-gates.json (the gates that apply here; each one off says why), a private',
    'package.json where there was none, .gitignore lines, a Vitest config (or wraps yours in',
    'withCodexGates), the git hooks (husky, or a marked block in the scripts of the tool that',
    'owns core.hooksPath) and a baseline per gate, so the first run is green and only new',
    'problems fail. Run it again any time: it changes nothing that is already in place.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'print what would be written, write nothing' },
    root: { type: 'string', valueName: 'dir', description: 'the repository (default: the git root here)' },
  },
  examples: ['', '--dry-run', '--root ../my-model'],
  run: async ({ options, io }) => {
    // --root names the folder to set up as it is (a package of a monorepo included).
    const root = options.root === undefined ? gatedRoot(io.cwd) : resolve(io.cwd, options.root)
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new UserError('GATES_ROOT', `--root ${options.root}: no such folder (${root})`, 'pass an existing folder')
    if (!gitRoot(root))
      throw new UserError(
        'NOT_GIT',
        `not a git repository: ${root}`,
        'run `git init` there first (init installs git hooks and reads what git tracks), or pass --root DIR',
      )
    const dry = options['dry-run'] === true
    const out = (line = '') => io.stdout(`${line}\n`)
    out(`codex-gates init in ${root}${dry ? ' (dry run: nothing is written)' : ''}`)

    // Before npm or init add files: what the repository holds that git does not track yet.
    const untracked = untrackedFiles(root)
    let facts = detect(root, io.env)
    const done: string[] = []
    const vitest = vitestToDeclare(facts)
    if (vitest) {
      const command = `npm install -D vitest@${vitest} --prefer-offline --no-audit --no-fund`
      if (dry) done.push(`would run ${command} (declares the Vitest the gates run on)`)
      else {
        const ran = runNpm(root, command, io.env)
        done.push(ran ? `ran ${command}: ${ran}; run it yourself once npm can reach its registry` : `ran ${command}`)
        facts = detect(root, io.env)
      }
    }

    const installed = installedVitest()
    const plan = planInit(facts, { version: packageVersion(), vitest: installed ? `^${installed}` : undefined })
    const config = plan.config.created
      ? resolveGatesConfig(JSON.parse(plan.config.text), join(root, plan.config.path))
      : loadGatesConfig(root, io.env)
    const enabled = GATE_NAMES.filter((g) => config.gates[g].enabled)
    const baselines = await planBaselines(enabled, { root, config, env: io.env })
    const changes: FileChange[] = [
      ...plan.changes,
      ...baselines.writes.map((w) => ({
        path: w.path,
        content: w.content,
        action: existsSync(join(root, w.path)) ? ('update' as const) : ('create' as const),
        reason: w.reason,
      })),
    ].filter((c) => !sameText(join(root, c.path), c.content))

    if (!dry) {
      assertWritable(root, changes)
      for (const change of changes) apply(root, change)
    }
    const huskyNote = plan.hooks.runHusky && !dry ? runHusky(root, io.env) : undefined
    // After package.json allows it (allowScripts): npm 12 skipped better-sqlite3's build at install.
    const binding = buildLedgerBinding(root, io.env, dry, (line) => io.stderr(`${line}\n`))
    report(out, {
      root,
      plan,
      changes,
      done,
      kept: baselines.kept,
      built: binding.done,
      notes: [...plan.notes, ...baselines.notes, ...(binding.note ? [binding.note] : [])],
      dry,
      huskyNote,
      untracked,
    })
    return EXIT.ok
  },
})

// --- internal ---

/** Untracked, not ignored files, without the package files and node_modules `npm i -D` just made. */
function untrackedFiles(root: string): number {
  const tracked = new Set(listRepoFiles(root, 'tracked'))
  return listRepoFiles(root, 'worktree').filter(
    (f) => !tracked.has(f) && !NPM_MADE.has(f) && !f.startsWith('node_modules/'),
  ).length
}

const NPM_MADE = new Set(['package.json', 'package-lock.json'])

function detect(root: string, env: NodeJS.ProcessEnv): RepositoryFacts {
  return detectRepository({
    name: basename(root),
    files: listRepoFiles(root, 'worktree'),
    read: (path) => {
      try {
        return readFileSync(join(root, path), 'utf8')
      } catch {
        return undefined
      }
    },
    hooks: readHookSettings(root, env),
  })
}

/** The Vitest range to declare, when package.json exists and does not declare vitest yet. */
function vitestToDeclare(facts: RepositoryFacts): string | undefined {
  const pkg = facts.packageJson?.value
  if (!pkg) return undefined
  for (const key of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    if ((pkg[key] as Record<string, string> | undefined)?.vitest) return undefined
  }
  return `^${installedVitest() ?? '4.1.0'}`
}

/** The version of the Vitest npm installed beside codex-gates (a peer dependency), if any. */
function installedVitest(): string | undefined {
  for (const dir of [join(PACKAGE_ROOT, '..', 'vitest'), join(PACKAGE_ROOT, 'node_modules', 'vitest')]) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
    } catch {
      // not there
    }
  }
  return undefined
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
}

function sameText(path: string, content: string): boolean {
  try {
    return readFileSync(path, 'utf8') === content
  } catch {
    return false
  }
}

/**
 * Every target must be writable before anything is written, so a permission problem leaves the
 * repository as it was: the file (or the nearest existing folder above a new one) and its folder.
 */
function assertWritable(root: string, changes: readonly FileChange[]): void {
  for (const change of changes) {
    const path = isAbsolute(change.path) ? change.path : join(root, change.path)
    let dir = dirname(path)
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
    for (const target of existsSync(path) ? [path, dir] : [dir]) {
      try {
        accessSync(target, constants.W_OK)
      } catch (error) {
        throw writeError(change.path, target, error)
      }
    }
  }
}

/** Writes one change atomically; an existing file keeps its mode, a new one gets the planned mode. */
function apply(root: string, change: FileChange): void {
  const path = isAbsolute(change.path) ? change.path : join(root, change.path)
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : (change.mode ?? 0o644)
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileAtomic(path, change.content)
    chmodSync(path, mode)
  } catch (error) {
    throw writeError(change.path, path, error)
  }
}

function writeError(shown: string, target: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  if (!['EACCES', 'EPERM', 'EROFS'].includes(code)) throw error
  return new UserError(
    'INIT_WRITE',
    `cannot write ${shown}: ${code === 'EROFS' ? 'the file system is read-only' : 'permission denied'} (${target})`,
    `run init as a user who may write the repository (check \`ls -ld ${dirname(target)}\`); \`codex-gates init --dry-run\` shows the plan without writing; nothing was changed`,
  )
}

interface Report {
  root: string
  plan: InitPlan
  changes: FileChange[]
  done: string[]
  /** What init built after writing its files (the ledger's SQLite binding). */
  built: string | undefined
  kept: string[]
  notes: string[]
  dry: boolean
  huskyNote: string | undefined
  /** Files of the repository git did not track before init (npm's package files aside). */
  untracked: number
}

function report(out: (line?: string) => void, r: Report): void {
  const verb = (c: FileChange) => (r.dry ? `would ${c.action}` : c.action === 'create' ? 'created' : 'updated')
  for (const line of r.done) out(`  ${line}`)
  for (const c of r.changes) out(`  ${verb(c)} ${c.path} — ${c.reason}`)
  if (r.built) out(`  ${r.built}`)
  const nothing = r.changes.length === 0 && r.done.length === 0 && !r.built
  if (nothing) out('  nothing to change: codex-gates is set up here')
  if (r.kept.length > 0)
    out(`  kept ${r.kept.length} baseline(s) as they are (\`npx codex-gates baseline <gate>\` rewrites one)`)
  const on = r.plan.gates.filter((g) => g.on)
  const off = r.plan.gates.filter((g) => !g.on)
  out(`gates on (${on.length}): ${on.map((g) => g.gate).join(', ')}`)
  if (off.length > 0) {
    out('gates off:')
    for (const g of off) out(`  ${g.gate} — ${g.why}`)
  }
  out(r.plan.hooks.summary)
  if (r.huskyNote) out(`  husky: ${r.huskyNote} (hooks not active; run \`npx husky\` once it can)`)
  if (r.notes.length > 0) {
    out('notes:')
    for (const n of r.notes) out(n.startsWith('    ') ? n : `  ${n}`)
  }
  if (nothing) return
  out('next:')
  // A package.json init made from nothing is not installed yet: npm first.
  if (r.changes.some((c) => c.path === 'package.json' && c.action === 'create')) out('  npm install')
  // The gates check what git tracks (the hook what is staged): untracked files would be skipped.
  if (r.untracked > 0)
    out(`  git add -A                # ${r.untracked} file(s) not tracked yet: the gates check what git tracks`)
  out('  npx codex-gates run')
  out('  git add -A && git commit -m "Adopt codex-gates"')
}

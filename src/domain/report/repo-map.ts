import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** One line of the repo map. */
export interface RepoEntry {
  path: string
  purpose: string
}

/** One-line purposes of the paths this project lays out (ARCHITECTURE.md's folder table). */
export const PURPOSES: Record<string, string> = {
  '.ci/': 'the CI entry point (`.ci/run`): install, then `npm test`',
  '.husky/': 'git hooks: pre-commit runs lint-staged and the staged gates, post-commit links commits to sessions',
  'configs/': 'gates.json, training configs, JSON Schemas, baselines and allowlists',
  'gates/': 'one thin spec per gate (`<name>.gate.ts`): runs a scanner, records findings, fails on errors',
  'reports/': 'generated reports (dashboard, summaries, status, benchmarks); only its README is tracked',
  'scripts/': 'thin CLIs run with tsx: ledger, report, status, train, eval, bench, gates',
  'specs/': 'unit, property, drift-matrix and smoke specs, mirroring src/',
  'src/': 'the library in five layers, each importing only from those listed before it',
  'src/foundation/': 'layer 1: errors, atomic fs, JSON, PRNG, redaction, optional dependencies, settings, the CLI kit',
  'src/ledger/': 'layer 2: the SQLite session ledger: schema, migrations, writer, queries, import, meta contracts',
  'src/domain/': 'layer 3: gates, data, training, checkpoints, eval, coverage, reports, monitor',
  'src/adapters/': 'layer 4: the Vitest reporter and project helpers, the git hooks',
  'src/app/': 'layer 5: command implementations behind scripts/ and the codex-gates CLI, benchmarks',
  '.gitignore': 'ignored paths: node_modules, .codex/ ledger, generated reports',
  '.npmrc': 'npm settings (engine-strict, skip onnxruntime-node CUDA download)',
  'biome.json': 'formatter and linter settings',
  'package.json': 'npm scripts and pinned dependencies',
  'package-lock.json': 'the lockfile `npm ci` installs from',
  'README.md': 'what codex-gates is, set-up, main commands',
  'tsconfig.json': 'TypeScript settings (strict, ESM, no emit)',
  'vitest.config.ts': 'the root Vitest config: reporters, coverage, projects',
  'vitest.workspace.ts': 'the project list (unit, gates, drift:*, smoke-*)',
}

/**
 * The top-level tree (and `src/`'s folders) with one-line purposes: tracked and untracked,
 * non-ignored paths from git (every file on disk outside git, minus dot-folders and
 * node_modules). Purposes come from PURPOSES, else the first sentence of a folder's README.
 */
export function repoMap(root: string): RepoEntry[] {
  const paths = listPaths(root)
  const top = new Set<string>()
  const src = new Set<string>()
  for (const p of paths) {
    const parts = p.split('/')
    top.add(parts.length > 1 ? `${parts[0]}/` : (parts[0] as string))
    if (parts[0] === 'src' && parts.length > 2) src.add(`src/${parts[1]}/`)
  }
  const entries: RepoEntry[] = []
  for (const path of [...top].sort(byPath)) {
    entries.push({ path, purpose: purposeOf(root, path) })
    if (path === 'src/')
      for (const sub of [...src].sort(byPath)) entries.push({ path: sub, purpose: purposeOf(root, sub) })
  }
  return entries
}

// --- internal ---

function listPaths(root: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10_000,
    })
    const files = out.split('\0').filter(Boolean)
    // Deleted-but-tracked files are still in the index: keep only what is on disk.
    return files.filter((f) => existsSync(join(root, f)))
  } catch {
    return walk(root, '', 2)
  }
}

function walk(root: string, prefix: string, depth: number): string[] {
  const out: string[] = []
  for (const d of readdirSync(join(root, prefix), { withFileTypes: true })) {
    if (
      d.name === 'node_modules' ||
      (d.isDirectory() && d.name.startsWith('.') && d.name !== '.ci' && d.name !== '.husky')
    )
      continue
    const rel = prefix ? `${prefix}/${d.name}` : d.name
    if (d.isDirectory()) {
      const inner = depth > 1 ? walk(root, rel, depth - 1) : []
      out.push(...(inner.length ? inner : [`${rel}/.`]))
    } else out.push(rel)
  }
  return out
}

function purposeOf(root: string, path: string): string {
  const known = PURPOSES[path]
  if (known) return known
  if (path.endsWith('/')) {
    const readme = join(root, path, 'README.md')
    if (existsSync(readme) && statSync(readme).isFile()) {
      const sentence = readFileSync(readme, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.length > 0 && !l.startsWith('#'))
      if (sentence) return sentence.length > 140 ? `${sentence.slice(0, 139)}…` : sentence
    }
  }
  return '(purpose not recorded: add it to PURPOSES in src/domain/report/repo-map.ts or a README.md)'
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

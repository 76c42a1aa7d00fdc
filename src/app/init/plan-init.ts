import { GATE_NAMES } from '../../domain/gates/gates-config.ts'
import { chooseGates, type GateChoice } from './choose-gates.ts'
import type { PackageJsonFacts, RepositoryFacts } from './detect-repository.ts'
import type { FileChange } from './file-change.ts'
import { type HookPlan, planHooks } from './plan-hooks.ts'
import { wrapVitestConfig } from './wrap-vitest-config.ts'

/** What init will do in a repository: the files, the gates, the hooks, and what it must say. */
export interface InitPlan {
  changes: FileChange[]
  gates: GateChoice[]
  hooks: HookPlan
  /** The codex-gates.json in force after init: its text (new or kept) and whether init writes it. */
  config: { path: string; text: string; created: boolean }
  /** Lines for the user: what was kept, what to add by hand. */
  notes: string[]
}

export interface PlanOptions {
  /** The codex-gates version for a package.json init creates from nothing. */
  version: string
  /** The Vitest range such a package.json declares (default ^4.1.0). */
  vitest?: string
}

/** Where init points the placeholders ratchet. */
export const PLACEHOLDER_BASELINE = '.codex-gates/placeholders.baseline.json'

/**
 * Plans init from a repository's facts: pure, so a second run over the result plans nothing.
 * Existing files are edited, never replaced: codex-gates.json is kept as it is, package.json
 * keeps its keys and indentation, a Vitest config is wrapped or the lines are printed.
 */
export function planInit(facts: RepositoryFacts, options: PlanOptions): InitPlan {
  const gates = chooseGates(facts)
  const hooks = planHooks(facts)
  const notes: string[] = []
  const changes: FileChange[] = []

  // codex-gates.json: created with the gates that apply, else kept.
  let config: InitPlan['config']
  if (facts.gatesConfig) {
    config = { ...facts.gatesConfig, created: false }
    notes.push(`${facts.gatesConfig.path} kept as it is (the gate choices below are what init would pick)`)
  } else {
    const text = gatesConfigText(gates)
    config = { path: 'codex-gates.json', text, created: true }
    const on = gates.filter((g) => g.on).length
    changes.push({
      path: 'codex-gates.json',
      content: text,
      action: 'create',
      reason: `the gates config: ${on} of ${gates.length} gates on, the placeholders ratchet at ${PLACEHOLDER_BASELINE}`,
    })
  }

  // package.json: the one npm made (or none) becomes a private tooling package; scripts added.
  if (facts.packageJsonInvalid) {
    notes.push(`package.json is not valid JSON (${facts.packageJsonInvalid}): left alone; fix it and run init again`)
  } else {
    const edit = planPackageJson(facts.packageJson, facts.name, options, hooks.mode === 'husky')
    if (edit) changes.push(edit)
  }

  const ignore = planGitignore(facts)
  if (ignore) changes.push(ignore)

  // Vitest: the gates project in the repository's own config, so `npx vitest run --project gates` works.
  if (!facts.vitestConfig) {
    changes.push({
      path: 'vitest.config.mjs',
      content: GENERATED_VITEST_CONFIG,
      action: 'create',
      reason: 'Vitest config with the gates project: `npx vitest run --project gates` runs them',
    })
  } else {
    const edit = wrapVitestConfig(facts.vitestConfig.text)
    if (edit.kind === 'edit')
      changes.push({
        path: facts.vitestConfig.path,
        content: edit.text,
        action: 'update',
        reason: 'wrapped in withCodexGates(…): your tests keep running, plus the gates project and the ledger reporter',
      })
    else if (edit.kind === 'manual')
      notes.push(
        `${facts.vitestConfig.path} left alone (${edit.why}); add the gates yourself:`,
        ...edit.lines.map((l) => `    ${l}`),
      )
  }

  changes.push(...hooks.changes)
  if (hooks.manual.length > 0) notes.push(...hooks.manual.map((l) => `    ${l}`))
  if (facts.preCommitConfig && hooks.mode === 'husky')
    notes.push(
      '.pre-commit-config.yaml found: pre-commit refuses to install while core.hooksPath is set; to keep both, run `pre-commit install` first and then init again (init then adds codex-gates to the hooks pre-commit wrote)',
    )
  return { changes, gates, hooks, config, notes }
}

/**
 * The Vitest config init writes where a repository has none: plain JavaScript, no build step, in
 * the formatters' default style (Biome's and Prettier's: double quotes, semicolons, sorted
 * imports), so that a repository that lints with them finds nothing to fix in it.
 */
export const GENERATED_VITEST_CONFIG = `// Written by \`codex-gates init\`: the gates as the Vitest project "gates", every run in the ledger.
// \`npx vitest run --project gates\` runs the gates; add your own test settings inside withCodexGates({ … }).

import { withCodexGates } from "codex-gates/vitest";
import { defineConfig } from "vitest/config";

export default defineConfig(withCodexGates({}));
`

// --- internal ---

function gatesConfigText(gates: readonly GateChoice[]): string {
  const entries: Record<string, object> = {}
  for (const name of GATE_NAMES) {
    const choice = gates.find((g) => g.gate === name)
    if (choice && !choice.on) entries[name] = { enabled: false }
    if (name === 'placeholders') entries[name] = { ...entries[name], baseline: PLACEHOLDER_BASELINE }
  }
  const config = { $schema: './node_modules/codex-gates/configs/schemas/codex-gates.schema.json', gates: entries }
  return `${JSON.stringify(config, null, 2)}\n`
}

function planPackageJson(
  pkg: PackageJsonFacts | undefined,
  folder: string,
  options: PlanOptions,
  husky: boolean,
): FileChange | undefined {
  if (!pkg) {
    const value = {
      name: packageName(folder),
      private: true,
      scripts: { gates: 'codex-gates run', ...(husky ? { prepare: 'husky' } : {}) },
      devDependencies: { 'codex-gates': `^${options.version}`, vitest: options.vitest ?? '^4.1.0' },
      allowScripts: { ...NATIVE_BUILDS },
    }
    return {
      path: 'package.json',
      content: `${JSON.stringify(value, null, 2)}\n`,
      action: 'create',
      reason: 'a private package for the tooling (run `npm install` next to install codex-gates)',
    }
  }
  const before = pkg.value
  let value: Record<string, unknown> = { ...before }
  const why: string[] = []
  if (before.name === undefined) {
    // The package.json `npm i -D` writes in a repository without one: only devDependencies.
    value = { name: packageName(folder), private: true, ...value }
    why.push('named and private (npm made it for the tooling)')
  }
  const scripts = { ...((before.scripts as Record<string, string> | undefined) ?? {}) }
  if (!Object.values(scripts).some((s) => /^codex-gates run\b/.test(s))) {
    if (scripts.gates === undefined) {
      scripts.gates = 'codex-gates run'
      why.push('"gates": "codex-gates run"')
    }
  }
  if (husky && !/\bhusky\b/.test(scripts.prepare ?? '')) {
    scripts.prepare = scripts.prepare ? `${scripts.prepare} && husky` : 'husky'
    why.push('"prepare" installs the git hooks for everyone on `npm install`')
  }
  const allow = planAllowScripts(before.allowScripts)
  if (allow) {
    value.allowScripts = allow.value
    why.push(allow.why)
  }
  if (why.length === 0) return undefined
  value.scripts = scripts
  return {
    path: 'package.json',
    content: `${JSON.stringify(value, null, indentOf(pkg.text))}\n`,
    action: 'update',
    reason: why.join('; '),
  }
}

/**
 * The dependencies whose install script codex-gates needs to run: better-sqlite3's builds (or
 * fetches) the ledger's native SQLite binding. npm 12 and later skip every dependency's install
 * script that package.json's `allowScripts` does not allow (npm 11.16+ only warns), which leaves
 * the ledger without SQLite. A name-only entry, as `npm install-scripts approve
 * --no-allow-scripts-pin` writes it: it keeps holding when npm updates better-sqlite3.
 */
export const NATIVE_BUILDS: Readonly<Record<string, true>> = { 'better-sqlite3': true }

/**
 * `allowScripts` with NATIVE_BUILDS added, or undefined when nothing is to add: an entry already
 * there (any spelling of the name, pinned or not, true or false) is the user's decision and kept.
 */
function planAllowScripts(current: unknown): { value: Record<string, unknown>; why: string } | undefined {
  const allow = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : {}
  const has = (name: string) => Object.keys(allow).some((key) => key === name || key.startsWith(`${name}@`))
  const missing = Object.keys(NATIVE_BUILDS).filter((name) => !has(name))
  if (missing.length === 0 || (current !== undefined && allow !== current)) return undefined
  return {
    value: { ...allow, ...Object.fromEntries(missing.map((name) => [name, true])) },
    why: `"allowScripts" lets ${missing.join(', ')} build the ledger's SQLite binding (npm 12 and later skip dependency install scripts it does not allow)`,
  }
}

/** npm's package name rules: lowercase, no spaces, at most 214 characters. */
function packageName(folder: string): string {
  const base = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
  return `${base || 'repository'}-gates`.slice(0, 214)
}

function indentOf(text: string): string | number {
  const m = /^\{\s*\n([ \t]+)"/.exec(text)
  if (!m) return 2
  return m[1]?.includes('\t') ? '\t' : (m[1]?.length ?? 2)
}

function planGitignore(facts: RepositoryFacts): FileChange | undefined {
  const text = facts.gitignore ?? ''
  const lines = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
      .map((l) => l.replace(/^\//, '').replace(/\/\*{0,2}$/, '')),
  )
  const wanted: string[] = []
  if (!lines.has('node_modules')) wanted.push('node_modules/')
  if (!lines.has('.codex')) wanted.push('.codex/')
  if (!lines.has('reports')) {
    const generated = ['latest', 'history', 'gaps', 'status', 'periodic', 'coverage', 'bench']
    if (facts.trackedReports) {
      for (const dir of generated) if (!lines.has(`reports/${dir}`)) wanted.push(`/reports/${dir}/`)
    } else wanted.push('/reports/')
  }
  if (wanted.length === 0) return undefined
  const block = ['# codex-gates: installed packages, the ledger and caches, generated reports', ...wanted]
  const content =
    facts.gitignore === undefined
      ? `${block.join('\n')}\n`
      : `${text.replace(/\n*$/, text ? '\n\n' : '')}${block.join('\n')}\n`
  return {
    path: '.gitignore',
    content,
    action: facts.gitignore === undefined ? 'create' : 'update',
    reason: `ignore ${wanted.join(', ')}`,
  }
}

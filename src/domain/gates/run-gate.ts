import { createHash } from 'node:crypto'
import { mkdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { globMatcher } from '../../foundation/fs/glob.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { setting } from '../../foundation/settings/settings.ts'
import type { ArtifactMeta, EventMeta } from '../../ledger/ledger-meta.ts'
import { applyBaseline, baselineFile, readBaseline } from './baseline.ts'
import { cacheKey } from './cache-key.ts'
import { type Finding, sortFindings } from './finding.ts'
import type { GateReport } from './gate.ts'
import { type GateKey, loadGateKey } from './gate-keys.ts'
import { type GateCommon, type GateName, type GatesConfig, loadGatesConfig } from './gates-config.ts'
import { loadGate } from './registry.ts'
import { gatesRoot, listRepoFiles } from './repo-files.ts'
import { gateCachePath, lookupCache, storeCache } from './result-cache.ts'
import type { TreeView } from './tree-view.ts'

export interface GateRunOptions {
  /** The repository (default GATES_ROOT, else this one). */
  root?: string
  env?: NodeJS.ProcessEnv
  /** Already loaded config (default: the root's codex-gates.json). */
  config?: GatesConfig
  /** Reuse and record cached results (default: unless CODEX_GATES_NO_CACHE=1). */
  useCache?: boolean
  cachePath?: string
  /**
   * Scan only these files: relative to `root` or absolute inside it. A path outside the root, or
   * one that is not an existing file, is a UserError naming it.
   */
  files?: readonly string[]
  /**
   * One look at the root's tree (treeView with the config's file mode) when the caller checks
   * several gates of it: listed, hashed and sized once; default: looked at here.
   */
  tree?: TreeView
  /** The ledger session this run belongs to: a passed result cached now names it. */
  sessionId?: string
  /** Where gaps reports go (default CODEX_GATES_REPORTS, else this repo's reports/); false: nowhere. */
  reportsDir?: string | false
  /**
   * Apply the gate's baseline (default true): findings it accepts become warnings. False gives
   * the raw findings, what `codex-gates baseline <gate>` records.
   */
  baseline?: boolean
}

/** What one gate run produced: the data behind the ledger's gate_runs and findings rows. */
export interface GateRun {
  gate: GateName
  status: 'passed' | 'failed' | 'cached' | 'skipped'
  reason?: string
  findings: Finding[]
  events: EventMeta[]
  artifacts: ArtifactMeta[]
  cacheKey?: string
  cachedFrom?: string
  durationMs: number
  root: string
  fileCount: number
  configPath?: string
}

/**
 * Runs one gate: config → file list → skip? → cache hit? → scan → severity overrides → cache
 * store when it passed → gaps report. Throws UserError for bad config or input.
 */
export async function runGate(name: GateName, options: GateRunOptions = {}): Promise<GateRun> {
  return (await gateRun(name, options, false)) as GateRun
}

/**
 * A gate's result when it needs no scan: skipped (disabled, or its own skip reason) or reused
 * from the result cache; undefined when it would have to run. What `codex-gates run` checks
 * before it starts Vitest at all.
 */
export function cachedGateRun(name: GateName, options: GateRunOptions = {}): Promise<GateRun | undefined> {
  return gateRun(name, options, true)
}

/** runGate and cachedGateRun: the one sequence, stopping before the scan when only a cached result will do. */
async function gateRun(name: GateName, options: GateRunOptions, cacheOnly: boolean): Promise<GateRun | undefined> {
  const started = performance.now()
  const env = options.env ?? process.env
  const root = gatesRoot(env, options.root)
  const config = options.config ?? loadGatesConfig(root, env)
  const gateConfig = config.gates[name]
  const base = { gate: name, root, configPath: config.path, events: [], artifacts: [], findings: [] }
  const elapsed = () => Math.round(performance.now() - started)
  if (!gateConfig.enabled) {
    return {
      ...base,
      status: 'skipped',
      reason: `disabled in codex-gates.json (gates.${name}.enabled)`,
      durationMs: elapsed(),
      fileCount: 0,
    }
  }
  // Gates excluding the same patterns see the same files: in a pass over a tree, listed once.
  const files =
    options.tree && !options.files
      ? options.tree.once(`gate files\0${JSON.stringify(excludePatterns(config, name))}`, () =>
          gateFiles(root, config, name, undefined, options.tree?.listing),
        )
      : gateFiles(root, config, name, options.files, options.tree?.listing)
  // Only a cached result will do: the key side alone, without the scanner's modules.
  const full = cacheOnly ? undefined : await loadGate(name)
  const gate: GateKey = full ?? (await loadGateKey(name))
  const skip = gate.skipReason?.(root, files, gateConfig as never)
  if (skip) return { ...base, status: 'skipped', reason: skip, durationMs: elapsed(), fileCount: files.length }

  const useBaseline = options.baseline !== false
  const baselinePath = baselineFile(config.baselines, name)
  const useCache =
    (options.useCache ?? setting('CODEX_GATES_NO_CACHE', env) !== true) &&
    gate.cacheInputs !== undefined &&
    !options.files &&
    useBaseline
  const cachePath = options.cachePath ?? gateCachePath(env, root)
  // The baseline decides which findings block, so its bytes are part of the key; a run without
  // the baseline (taking one, `init --dry-run`) has no key, and computing none writes no memo.
  const inputs = useBaseline ? await gate.cacheInputs?.(root, files, gateConfig as never, options.tree) : undefined
  const key = inputs
    ? cacheKey(name, gateConfig, root, files, { ...inputs, contents: [...inputs.contents, baselinePath] }, options.tree)
    : undefined
  if (useCache && key) {
    const hit = lookupCache(cachePath, name, key)
    if (hit) {
      return {
        ...base,
        status: 'cached',
        findings: hit.findings,
        events: hit.events ?? [],
        cacheKey: key,
        cachedFrom: hit.session_id ?? undefined,
        reason: `inputs unchanged since ${hit.at}${hit.session_id ? ` (session ${hit.session_id})` : ''}`,
        durationMs: elapsed(),
        fileCount: files.length,
      }
    }
  }

  if (!full) return undefined
  const result = await full.scan(root, files, gateConfig as never)
  const severe = applySeverity(result.findings, (gateConfig as GateCommon).severity)
  const baseline = useBaseline ? readBaseline(root, baselinePath, name) : undefined
  const findings = sortFindings(applyBaseline(severe, baseline))
  const artifacts = [...(result.artifacts ?? [])]
  if (result.report && options.reportsDir !== false)
    artifacts.push(
      writeGateReport(
        result.report,
        options.reportsDir ?? envValue('CODEX_GATES_REPORTS', env) ?? join(root, 'reports'),
      ),
    )
  const failed = findings.some((f) => f.severity === 'error')
  const durationMs = elapsed()
  if (!failed && useCache && key) {
    storeCache(cachePath, name, {
      key,
      session_id: options.sessionId ?? null,
      at: new Date().toISOString(),
      duration_ms: durationMs,
      findings,
      events: result.events ?? [],
    })
  }
  return {
    ...base,
    status: failed ? 'failed' : 'passed',
    findings,
    events: result.events ?? [],
    artifacts,
    cacheKey: key,
    durationMs,
    fileCount: files.length,
  }
}

/** The files a gate reads: the root's listing (config `files`), minus global and gate excludes. */
export function gateFiles(
  root: string,
  config: GatesConfig,
  name: GateName,
  explicit?: readonly string[],
  listing?: readonly string[],
): string[] {
  const excluded = globMatcher(excludePatterns(config, name))
  const listed = explicit ? explicit.map((f) => toRepoPath(root, f)) : (listing ?? listRepoFiles(root, config.files))
  return listed.filter((f) => !excluded(f))
}

/** The globs a gate's files must not match: the config's global excludes, then the gate's own. */
function excludePatterns(config: GatesConfig, name: GateName): string[] {
  return [...config.exclude, ...(config.gates[name] as GateCommon).exclude]
}

/** Per-rule overrides from config: `off` drops the finding, `error`/`warn` replace its severity. */
export function applySeverity(
  findings: readonly Finding[],
  overrides: Record<string, 'error' | 'warn' | 'off'>,
): Finding[] {
  const out: Finding[] = []
  for (const f of findings) {
    const o = overrides[f.rule]
    if (o === 'off') continue
    out.push(o ? { ...f, severity: o } : f)
  }
  return out
}

/** Writes `reports/gaps/<name>.{md,json}` and returns the Markdown file as an artifact. */
export function writeGateReport(report: GateReport, reportsDir: string): ArtifactMeta {
  const dir = join(reportsDir, 'gaps')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${report.name}.md`)
  writeFileAtomic(join(dir, `${report.name}.json`), `${JSON.stringify(report.json, null, 2)}\n`)
  writeFileAtomic(path, report.markdown)
  return {
    kind: 'gaps-report',
    path,
    sha256: createHash('sha256').update(report.markdown).digest('hex'),
    bytes: Buffer.byteLength(report.markdown),
  }
}

/**
 * A path given on the command line → repo-relative POSIX. Relative paths are the root's (as
 * `git ls-files` prints them), not the working directory's: `scan secrets a.txt --root ../other`
 * reads ../other/a.txt. A path that is not a file inside the root would otherwise pass unscanned.
 */
function toRepoPath(root: string, file: string): string {
  const full = resolve(root, file)
  const rel = relative(root, full)
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UserError(
      'GATES_FILE',
      `${file} is not inside the repository being gated (${root})`,
      'pass paths relative to --root, or absolute paths inside it',
    )
  }
  let isFile = false
  try {
    isFile = statSync(full).isFile()
  } catch {
    throw new UserError(
      'GATES_FILE',
      `no such file: ${file} (looked for ${full})`,
      'pass files that exist under --root: relative to it, or absolute',
    )
  }
  if (!isFile) {
    throw new UserError(
      'GATES_FILE',
      `${file} is not a file (${full})`,
      'pass files, not folders: e.g. `git ls-files dir`',
    )
  }
  return rel.split(sep).join('/')
}

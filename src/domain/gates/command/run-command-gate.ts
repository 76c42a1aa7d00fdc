import { existsSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { mapLimit } from '../../../foundation/async/map-limit.ts'
import { envValue } from '../../../foundation/settings/env-value.ts'
import { cacheKey } from '../cache-key.ts'
import { type ConfigGateRun, skippedRun } from '../config-gate-run.ts'
import { type Finding, sortFindings } from '../finding.ts'
import { gateCachePath, lookupCache, storeCache } from '../result-cache.ts'
import { batchArgs, commandLineLimit } from './arg-batches.ts'
import type { CommandGateConfig, GateStage } from './command-config.ts'
import { diagnosticFindings, type FindingContext, outputTail, runFinding } from './command-findings.ts'
import { type CommandOutput, commandLog } from './command-log.ts'
import { commandTool, findTool } from './find-tool.ts'
import { installHint } from './install-hint.ts'
import type { Diagnostic } from './parse/diagnostic.ts'
import { parseJsonLines } from './parse/parse-json-lines.ts'
import { linePattern, parseLines } from './parse/parse-lines.ts'
import { parseSarif } from './parse/parse-sarif.ts'
import { pathTagsOf } from './path-tags.ts'
import { probeVersion } from './probe-version.ts'
import { selectInputs } from './select-inputs.ts'
import { checkSmoke } from './smoke/check-smoke.ts'
import { noGpuReason } from './smoke/gpu-available.ts'
import { type MetricPoint, readMetrics } from './smoke/read-metrics.ts'
import { smokeRunMeta } from './smoke/smoke-run-meta.ts'
import { type SpawnResult, spawnCommand } from './spawn-command.ts'

export interface CommandRunOptions {
  /** The folder the command runs in and reads: the repository, or the hook's snapshot of the staged content. */
  root: string
  /** The repository itself (its node_modules/.bin goes on PATH); default `root`. */
  repoRoot?: string
  /** Candidate inputs, repo-relative: every file of the repository, or only the staged ones. */
  paths: readonly string[]
  /** The stage being run: a gate whose `stages` lack it is skipped. */
  stage: GateStage
  env?: NodeJS.ProcessEnv
  /** Reuse and record passed results (default true; the config's `cache` can still say no). */
  useCache?: boolean
  cachePath?: string
  /** Where `commands/<gate>.log` goes; undefined: the output is kept in an event only. */
  reportsDir?: string
  /** identify tags of a path (default: read from `root`). */
  tagsOf?: (path: string) => ReadonlySet<string>
  signal?: AbortSignal
  /** The session this run belongs to, for the cache entry. */
  sessionId?: string
  /** Called just before the command starts (not when the gate is skipped or cached). */
  beforeRun?: () => void
}

/**
 * Runs one command gate: stage → GPU (smoke gates that require one) → inputs → tool on PATH
 * (missing: skipped with the install command, or failed when required) → version probe → cache →
 * the command (files appended in batches under the OS argument limit, batches side by side unless
 * `serial`) → results read as `format` says → findings at file:line → smoke metrics and
 * expectations → the output, redacted, as an event and a log artifact → cache store on a pass.
 */
export async function runCommandGate(
  name: string,
  config: CommandGateConfig,
  options: CommandRunOptions,
): Promise<ConfigGateRun> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const where = `gates.${name}`
  if (!config.enabled) return skippedRun(name, `disabled in codex-gates.json (${where}.enabled)`)
  if (!config.stages.includes(options.stage)) {
    return skippedRun(name, `runs at ${config.stages.join(', ') || 'no stage'}, not ${options.stage} (${where}.stages)`)
  }
  const root = options.root
  const repoRoot = options.repoRoot ?? root
  const env = toolEnv(options.env ?? process.env, repoRoot, config.env)
  if (config.requires === 'gpu') {
    const noGpu = await noGpuReason(env)
    if (noGpu) return skippedRun(name, noGpu, elapsed())
  }
  const narrowed = config.files.length > 0 || config.types.length > 0 || config.exclude.length > 0
  const selected = selectInputs(options.paths, config, options.tagsOf ?? pathTagsOf(root), where)
  if (narrowed && selected.length === 0) return skippedRun(name, 'no files to check', elapsed())

  const cwd = resolve(root, config.cwd)
  const toolName = commandTool(config.run)
  const tool = toolName === undefined ? undefined : findTool(toolName, cwd, envValue('PATH', env))
  const commandText = Array.isArray(config.run) ? config.run.join(' ') : config.run
  const ctx: FindingContext = { gate: name, root, cwd, commandText }
  if (toolName !== undefined && tool === undefined) {
    const how = config.install ?? installHint(toolName)
    const reason = `${toolName} is not installed (not found on PATH): ${how}`
    if (!config.required) return skippedRun(name, reason, elapsed(), selected.length)
    const finding = runFinding(
      ctx,
      'tool-missing',
      'error',
      reason,
      `${how}; or set ${where}.required to false to skip the gate where the tool is missing`,
    )
    return { ...skippedRun(name, reason, elapsed(), selected.length), status: 'failed', findings: [finding] }
  }

  const inRepo = tool !== undefined && isInside(root, tool)
  const useCache = (options.useCache ?? true) && config.cache
  const cachePath = options.cachePath ?? gateCachePath(options.env ?? process.env)
  let key: string | undefined
  if (useCache) {
    const version =
      config.version === false || tool === undefined || inRepo
        ? 'none'
        : await probeVersion(tool, versionArgv(config.version, tool), {
            cwd,
            env,
            memoPath: join(dirname(cachePath), 'tool-versions.json'),
          })
    const contents = [...selected, ...repoFilesIn(commandWords(config.run), cwd, root)]
    if (inRepo && tool) contents.push(toRepoPath(root, tool))
    key = cacheKey(`command:${name}`, cacheConfig(config), root, selected, {
      contents,
      extra: { version, passed: String(config.pass_filenames) },
    })
    const hit = lookupCache(cachePath, name, key)
    if (hit) {
      return {
        ...skippedRun(
          name,
          `inputs unchanged since ${hit.at}${hit.session_id ? ` (session ${hit.session_id})` : ''}`,
          elapsed(),
          selected.length,
        ),
        status: 'cached',
        findings: hit.findings,
        events: hit.events ?? [],
        cacheKey: key,
        cachedFrom: hit.session_id ?? undefined,
      }
    }
  }

  options.beforeRun?.()
  const startedAt = new Date()
  const outputs = await runBatches(config, selected, { cwd, env, signal: options.signal })
  const endedAt = new Date()
  const findings: Finding[] = []
  for (const { result, argv } of outputs) findings.push(...resultFindings(result, argv, config, ctx))
  const runFailed = outputs.some((o) => o.result.code !== 0)
  const diagnostics = config.kind === 'smoke' ? [] : readDiagnostics(outputs, config, where)
  findings.push(...diagnosticFindings(diagnostics, config.severity, ctx))
  const trainingRuns = []
  if (config.kind === 'smoke') {
    const points = smokePoints(outputs, config, cwd)
    const seconds = outputs.reduce((s, o) => s + o.result.ms, 0) / 1000
    findings.push(...checkSmoke(points, config.expect, { gate: name, seconds, commandText }))
    trainingRuns.push(
      smokeRunMeta({
        gate: name,
        argv: outputs[0]?.argv ?? [],
        device: config.requires === 'gpu' ? 'gpu' : 'cpu',
        passed: !runFailed && !findings.some((f) => f.severity === 'error'),
        startedAt,
        endedAt,
        points,
      }),
    )
  }
  if (runFailed && !findings.some((f) => f.severity === 'error')) {
    const first = outputs.find((o) => o.result.code !== 0) as Batch
    const all = `${first.result.stdout}${first.result.stderr}`
    findings.push(
      runFinding(
        ctx,
        'exit-code',
        config.severity === 'warn' ? 'warn' : 'error',
        `\`${commandText}\` exited ${first.result.code ?? 'on a signal'}${outputTail(all) ? `: ${outputTail(all, 5)}` : ''}`,
        `run \`${commandText}\` and fix what it reports${config.format === 'exit-code' ? '; set "format" (sarif, lines, json-lines) to get file:line findings' : ''}`,
      ),
    )
  }
  const sorted = sortFindings(findings)
  const failed = sorted.some((f) => f.severity === 'error')
  const log = commandLog(
    name,
    outputs.map((o): CommandOutput => ({ argv: o.argv, ...o.result })),
    failed ? 'failed' : 'passed',
    options.reportsDir,
  )
  const durationMs = elapsed()
  if (!failed && useCache && key) {
    storeCache(cachePath, name, {
      key,
      session_id: options.sessionId ?? null,
      at: new Date().toISOString(),
      duration_ms: durationMs,
      findings: sorted,
      events: [],
    })
  }
  const interrupted = outputs.some((o) => o.result.interrupted)
  return {
    gate: name,
    status: failed ? 'failed' : 'passed',
    ...(interrupted ? { reason: 'interrupted' } : {}),
    findings: sorted,
    events: log.events,
    artifacts: log.artifacts,
    trainingRuns,
    cacheKey: key,
    durationMs,
    fileCount: selected.length,
  }
}

/** The argv a gate's `run` becomes: an array as is, a string through `sh -c`, with `files` appended. */
export function commandArgv(run: CommandGateConfig['run'], files: readonly string[]): string[] {
  if (Array.isArray(run)) return [...run, ...files]
  // `"$@"` passes the files as separate words whatever they contain; `sh` is $0.
  return files.length > 0 ? ['sh', '-c', `${run} "$@"`, 'sh', ...files] : ['sh', '-c', run as string]
}

// --- internal ---

interface Batch {
  argv: string[]
  result: SpawnResult
}

/** Variables of the parent test runner that would confuse a tool that is itself a test runner. */
const RUNNER_VARIABLES = /^(VITEST|TINYPOOL|NODE_V8_COVERAGE$)/

function toolEnv(base: NodeJS.ProcessEnv, repoRoot: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(base)) if (!RUNNER_VARIABLES.test(k)) env[k] = v
  // The repository's own tools first, as npm scripts see them.
  env.PATH = [join(repoRoot, 'node_modules', '.bin'), envValue('PATH', base)].filter(Boolean).join(delimiter)
  return { ...env, ...extra }
}

async function runBatches(
  config: CommandGateConfig,
  files: readonly string[],
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<Batch[]> {
  const base = commandArgv(config.run, [])
  const batches = config.pass_filenames ? batchArgs(base, files, () => commandLineLimit(spawnOptions.env)) : [[]]
  if (batches.length === 0) batches.push([])
  const argvs = batches.map((b) => commandArgv(config.run, b))
  const limit = config.serial || config.output_file ? 1 : availableParallelism()
  return mapLimit(argvs, limit, async (argv) => {
    const result = await spawnCommand({ argv, timeoutMs: config.timeout_ms, ...spawnOptions })
    // A tool that writes its results to a file is read after each batch, before the next overwrites it.
    if (config.output_file)
      result.stdout = readOutputFile(resolve(spawnOptions.cwd, config.output_file)) ?? result.stdout
    return { argv, result }
  })
}

function resultFindings(
  result: SpawnResult,
  argv: readonly string[],
  config: CommandGateConfig,
  ctx: FindingContext,
): Finding[] {
  if (result.startError) {
    return [
      runFinding(
        ctx,
        'cannot-start',
        'error',
        `cannot start \`${argv[0]}\`: ${result.startError}`,
        `check that ${argv[0]} is installed and executable`,
      ),
    ]
  }
  if (result.timedOut) {
    return [
      runFinding(
        ctx,
        'timeout',
        'error',
        `\`${ctx.commandText}\` ran past ${config.timeout_ms} ms and was stopped`,
        `make it faster (fewer files: "files", "types"), or raise gates.${ctx.gate}.timeout_ms`,
      ),
    ]
  }
  return []
}

function readDiagnostics(outputs: readonly Batch[], config: CommandGateConfig, where: string): Diagnostic[] {
  if (config.format === 'exit-code') return []
  const re = config.format === 'lines' ? linePattern(config.pattern, `${where}.pattern`) : undefined
  const out: Diagnostic[] = []
  for (const { result } of outputs) {
    if (result.startError || result.timedOut) continue
    if (config.format === 'sarif') {
      // No output: nothing found, or a failure the exit-code finding reports.
      if (result.stdout.trim() !== '') out.push(...parseSarif(result.stdout))
    } else if (config.format === 'json-lines') {
      out.push(...parseJsonLines(result.stdout))
    } else {
      out.push(...parseLines(`${result.stdout}\n${result.stderr}`, re as RegExp))
    }
  }
  return out
}

function smokePoints(outputs: readonly Batch[], config: CommandGateConfig, cwd: string): MetricPoint[] {
  const result = outputs[0]?.result
  if (!result) return []
  if (config.metrics.file) return readMetrics(readOutputFile(resolve(cwd, config.metrics.file)) ?? '', config.metrics)
  // Training scripts log to stdout or (Python's logging) to stderr: stdout first, else stderr.
  const fromStdout = readMetrics(result.stdout, config.metrics)
  return fromStdout.length > 0 ? fromStdout : readMetrics(result.stderr, config.metrics)
}

function readOutputFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function versionArgv(version: CommandGateConfig['version'], tool: string): string[] {
  if (typeof version === 'string') return ['sh', '-c', version]
  if (Array.isArray(version)) return version
  return [tool, '--version']
}

/** The config fields that change what the command does (not its description or expectations' wording). */
function cacheConfig(config: CommandGateConfig): unknown {
  const { description: _d, install: _i, ...rest } = config
  return rest
}

/** Words of the command (an argv, or a shell string split on blanks). */
function commandWords(run: CommandGateConfig['run']): string[] {
  return Array.isArray(run) ? run.slice(1) : (run as string).split(/\s+/).slice(1)
}

/** Command words that name files of the repository (a script, a config the tool reads): their bytes go into the cache key. */
function repoFilesIn(words: readonly string[], cwd: string, root: string): string[] {
  const out: string[] = []
  for (const w of words) {
    if (w === '' || w.startsWith('-')) continue
    const full = resolve(cwd, w)
    if (!isInside(root, full)) continue
    try {
      if (existsSync(full) && statSync(full).isFile()) out.push(toRepoPath(root, full))
    } catch {
      // not a file: an ordinary argument
    }
  }
  return out
}

function isInside(root: string, full: string): boolean {
  const rel = relative(root, full)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}

function toRepoPath(root: string, full: string): string {
  return relative(root, full).split(sep).join('/')
}

import type { GateStage } from '../command/command-config.ts'
import { isRegexPattern } from '../command/select-inputs.ts'
import { GATE_NAMES } from '../gates-config.ts'
import { parseLargeFilesArgs } from './hooks/check-added-large-files.ts'
import { TOOL_HOOKS } from './known-tool-hooks.ts'
import { nativeHookFor, repoKey } from './native-hooks.ts'
import { DETECT_SECRETS } from './plan-pre-commit-gates.ts'
import type { ConfigHook, PreCommitConfig } from './read-pre-commit-config.ts'
import { type HookManifest, type ResolvedHook, resolveHook } from './resolve-hook.ts'
import { splitHookEntry } from './split-entry.ts'

/** What `codex-gates init --from-pre-commit` writes: the `gates` section, and what did not map. */
export interface PreCommitConversion {
  /** Keys and values for codex-gates.json's `gates`: command gates and built-in gate settings. */
  gates: Record<string, Record<string, unknown>>
  /** One line per hook that became no command gate, saying why and where it runs instead. */
  notes: string[]
}

/**
 * Converts a `.pre-commit-config.yaml` (as read by readPreCommitConfig) into codex-gates.json's
 * `gates` section, purely:
 * - `repo: local` system/script hooks and the known remote tool hooks (mypy, ruff, black, bandit,
 *   …) become command gates: `run` = entry + args, their `files`/`exclude` regexes (anchored so
 *   they stay regexes), `types`, `pass_filenames`, `serial` (require_serial) and stages (pre-commit
 *   → commit and ci, pre-push → push, manual → manual);
 * - detect-secrets sets the secrets gate's `detect_secrets_baseline` (its `--baseline`);
 *   check-added-large-files sets `large-files.max_bytes` (its `--maxkb`);
 * - pre-commit-hooks' other hooks, pygrep and fail hooks have no command to run: they run natively
 *   while `.pre-commit-config.yaml` stays in the repository, and say so in `notes`.
 */
export function preCommitToGatesConfig(config: PreCommitConfig): PreCommitConversion {
  const gates: PreCommitConversion['gates'] = {}
  const notes: string[] = []
  const builtIn = new Set<string>(GATE_NAMES)
  for (const hook of config.hooks) {
    const where = `${config.file}:${hook.line} hook ${hook.id}`
    const key = repoKey(hook.repo)
    if (key === DETECT_SECRETS.repo && hook.id === DETECT_SECRETS.id) {
      const baseline = optionValue(hook.fields.args ?? [], '--baseline')
      gates.secrets = { ...gates.secrets, detect_secrets_baseline: baseline ?? '' }
      notes.push(`${where}: the secrets gate covers it${baseline ? `, accepting what ${baseline} lists` : ''}`)
      continue
    }
    const native = nativeHookFor(hook.repo, hook.id)
    if (native?.id === 'check-added-large-files') {
      const kb = parseLargeFilesArgs(resolveHook(hook, native.manifest, config).args).maxkb
      gates['large-files'] = { ...gates['large-files'], max_bytes: kb * 1024 }
      notes.push(`${where}: the large-files gate covers it (max_bytes ${kb * 1024})`)
      continue
    }
    if (native?.id === 'detect-private-key') {
      notes.push(`${where}: the secrets gate covers it (private keys are one of its rules)`)
      continue
    }
    if (native || hook.repo === 'meta') {
      notes.push(`${where}: runs natively from ${config.file}; keep the file (or "pre_commit": false to drop it)`)
      continue
    }
    const tool = TOOL_HOOKS.get(`${key}#${hook.id}`)
    const manifest: HookManifest | undefined = hook.repo === 'local' ? undefined : tool?.manifest
    if (hook.repo !== 'local' && !manifest) {
      notes.push(`${where}: no manifest is known for ${hook.repo}; add a command gate for it by hand`)
      continue
    }
    const resolved = resolveHook(hook, manifest, config)
    if (resolved.language === 'pygrep' || resolved.language === 'fail') {
      notes.push(`${where}: a ${resolved.language} hook runs natively from ${config.file}; keep the file`)
      continue
    }
    const name = gateKey(hook, builtIn, gates)
    gates[name] = commandGate(
      resolved,
      splitHookEntry(resolved.entry, { file: config.file, line: hook.line, id: hook.id, repo: hook.repo }),
    )
    if (resolved.types_or.length > 0) {
      notes.push(
        `${where}: types_or [${resolved.types_or.join(', ')}] has no command-gate equivalent; check gates.${name}.files`,
      )
    }
  }
  return { gates, notes }
}

// --- internal ---

/** `entry` is the hook's entry already split (see splitHookEntry). */
function commandGate(hook: ResolvedHook, entry: readonly string[]): Record<string, unknown> {
  const gate: Record<string, unknown> = {
    run: [...entry, ...hook.args],
    pass_filenames: hook.pass_filenames,
  }
  if (hook.files) gate.files = [asRegex(hook.files)]
  if (hook.exclude && hook.exclude !== '^$') gate.exclude = [asRegex(hook.exclude)]
  const types = hook.types.filter((t) => t !== 'file')
  if (types.length > 0) gate.types = types
  const stages = gateStages(hook.stages)
  if (stages.length > 0) gate.stages = stages
  if (hook.require_serial) gate.serial = true
  const format = FORMATS[entry[0] ?? '']
  if (format) Object.assign(gate, format)
  if (hook.description) gate.description = hook.description
  return gate
}

/** Line formats of tools whose default output gives file:line findings. */
const FORMATS: Record<string, Record<string, string>> = {
  mypy: { format: 'lines', pattern: 'mypy' },
  flake8: { format: 'lines', pattern: 'flake8' },
  pylint: { format: 'lines', pattern: 'pylint' },
}

/** pre-commit stages → ours: what runs at commit also runs in CI (`pre-commit run --all-files`). */
function gateStages(stages: readonly string[]): GateStage[] {
  const out = new Set<GateStage>()
  for (const s of stages) {
    if (s === 'pre-commit' || s === 'commit') out.add('commit').add('ci')
    else if (s === 'pre-push' || s === 'push') out.add('push')
    else if (s === 'manual') out.add('manual')
  }
  return [...out]
}

/** A pre-commit regex that command gates would read as a glob (no ^, $ or \) gets an explicit search prefix. */
function asRegex(pattern: string): string {
  return isRegexPattern(pattern) ? pattern : `^.*?(?:${pattern})`
}

function gateKey(hook: ConfigHook, builtIn: ReadonlySet<string>, taken: Record<string, unknown>): string {
  const base = hook.id.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'hook'
  let name = builtIn.has(base) ? `${base}-hook` : base
  for (let n = 2; Object.hasOwn(taken, name); n++) name = `${base}-${n}`
  return name
}

function optionValue(args: readonly string[], option: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === option) return args[i + 1]
    if (a.startsWith(`${option}=`)) return a.slice(option.length + 1)
  }
  return undefined
}

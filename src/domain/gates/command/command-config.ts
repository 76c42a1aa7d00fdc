/** When a command gate runs: at `git commit` (the hook), at `git push`, in CI (`codex-gates run`, `npm run gates`), or only when asked. */
export type GateStage = 'commit' | 'push' | 'ci' | 'manual'

export const GATE_STAGES: readonly GateStage[] = ['commit', 'push', 'ci', 'manual']

/** How a command's results are read. */
export type OutputFormat = 'exit-code' | 'sarif' | 'lines' | 'json-lines'

/** How a smoke gate reads its metrics: from stdout (or `file`), one record a line. */
export interface SmokeMetricsConfig {
  /** `json-lines` ({"step": 3, "loss": 1.2}), `key-value` (step=3 loss=1.2) or `regex` (named groups). */
  format: 'json-lines' | 'key-value' | 'regex'
  /** For `regex`: groups `step` and one group per metric, e.g. `step (?<step>\d+) loss (?<loss>\S+)`. */
  pattern?: string
  /** A metrics file the run writes (relative to the gate's cwd), read after it exits; default stdout. */
  file?: string
  /** The key that holds the step number (default `step`; lines without it count 1, 2, 3, …). */
  step_key: string
}

/** What a smoke run must show. */
export interface SmokeExpectations {
  /** Metric → the least it must fall from its first to its last value, e.g. `{ "loss": 0.1 }`. */
  falls: Record<string, number>
  /** Every metric value finite (default true): a NaN fails naming the step. */
  finite: boolean
  /** Wall-time budget of the run in seconds. */
  max_seconds?: number
  /** Metric → bounds on its last value. */
  final: Record<string, { below?: number; above?: number }>
  /** At least this many steps logged (default 1). */
  min_steps: number
}

/**
 * A command gate from codex-gates.json: any key under `gates` that is not a built-in gate and has
 * `run`. Defaults in COMMAND_DEFAULTS; the JSON Schema's `$defs/commandGate` documents each field.
 */
export interface CommandGateConfig {
  /** argv (run directly), or a string run with `sh -c`. */
  run: string[] | string
  kind: 'check' | 'smoke'
  enabled: boolean
  description?: string
  /** Inputs: globs, or regexes (a pattern starting `^`, ending `$` or holding a `\`). Empty: every file. */
  files: string[]
  exclude: string[]
  /** identify tags every input must have (`python`, `yaml`, `text`, …). */
  types: string[]
  /** Append the selected files to the command, in batches under the OS argument limit. */
  pass_filenames: boolean
  stages: GateStage[]
  timeout_ms: number
  env: Record<string, string>
  /** Working directory, relative to the root. */
  cwd: string
  /** The severity of every finding, or per-rule overrides as the built-in gates have. */
  severity: 'error' | 'warn' | Record<string, 'error' | 'warn' | 'off'>
  /** A missing tool fails the gate instead of skipping it. */
  required: boolean
  /** Run alone, not beside other command gates. */
  serial: boolean
  /** The version probe (its output is part of the cache key); false: none. Default `<tool> --version`. */
  version: string[] | string | false | null
  /** How to install the tool, shown when it is missing (default: a hint for known tools). */
  install?: string
  format: OutputFormat
  /** For `lines`: a named pattern (gcc, mypy, eslint-compact, pylint, flake8, tsc, shellcheck-gcc) or a regex with named groups. */
  pattern: string
  /** Read SARIF / JSON lines from this file (relative to cwd) instead of stdout. */
  output_file?: string
  /** Reuse a passed result while inputs, command, env and tool version are unchanged. */
  cache: boolean
  /** Smoke gates: `gpu` skips with the reason where no GPU is visible. */
  requires?: 'gpu'
  metrics: SmokeMetricsConfig
  expect: SmokeExpectations
}

/** Defaults of every command gate field (`smoke` gates also default `cache` to false). */
export const COMMAND_DEFAULTS: Omit<CommandGateConfig, 'run'> = {
  kind: 'check',
  enabled: true,
  files: [],
  exclude: [],
  types: [],
  pass_filenames: false,
  stages: ['push', 'ci', 'manual'], // `commit` is opt-in: the hook has a one-second budget
  timeout_ms: 300_000, // ms
  env: {},
  cwd: '.',
  severity: 'error',
  required: false,
  serial: false,
  version: null, // null: `<tool> --version`
  format: 'exit-code',
  pattern: 'gcc',
  cache: true,
  metrics: { format: 'json-lines', step_key: 'step' },
  expect: { falls: {}, finite: true, final: {}, min_steps: 1 },
}

/** Lays each user command gate over COMMAND_DEFAULTS (already schema-validated input). */
export function resolveCommandGates(
  raw: Record<string, unknown> | undefined,
  builtIn: ReadonlySet<string>,
): Record<string, CommandGateConfig> {
  const out: Record<string, CommandGateConfig> = {}
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (builtIn.has(name) || value === null || typeof value !== 'object') continue
    const user = value as Partial<CommandGateConfig> & { run: CommandGateConfig['run'] }
    const smoke = user.kind === 'smoke'
    out[name] = {
      ...COMMAND_DEFAULTS,
      cache: !smoke,
      ...user,
      metrics: { ...COMMAND_DEFAULTS.metrics, ...user.metrics },
      expect: { ...COMMAND_DEFAULTS.expect, ...user.expect },
    }
  }
  return out
}

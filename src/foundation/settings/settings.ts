import { UserError } from '../errors/user-error.ts'

/** How a variable's text is read. Empty text always means unset. */
export type SettingType = 'path' | 'string' | 'flag' | 'integer' | 'list' | 'choice'

export interface SettingDef {
  type: SettingType
  /** One line for the README table: what it changes. */
  description: string
  /** What applies when it is unset, in words (shown in the README). */
  default?: string
  /** The accepted values of a `choice`. */
  choices?: readonly string[]
  /** Set by codex-gates for its own child processes; documented but not for users. */
  internal?: boolean
  /** A variable of the system or another tool, read as it is. */
  system?: boolean
}

/**
 * Every environment variable codex-gates reads, in one place (Vitest's `resolveConfig` is the
 * model): name, type, default and meaning. Code reads them through `setting()`; the README's
 * table is generated from this list (`settingsTable`) and a spec keeps the two equal.
 */
export const SETTINGS = {
  CODEX_LEDGER: {
    type: 'path',
    description: 'the session ledger (SQLite) to write and query',
    default: '`.codex/session_logs.db` in the gated repository',
  },
  CODEX_LEDGER_BUSY_MS: {
    type: 'integer',
    description: 'how long a writer waits for a locked ledger before it falls back to NDJSON (ms)',
    default: '10000',
  },
  CODEX_LEDGER_FALLBACK: {
    type: 'path',
    description: 'where records go while the ledger cannot be written (`ledger import` brings them in)',
    default: '`ledger-fallback.ndjson` beside the ledger',
  },
  CODEX_REPORTS: { type: 'flag', description: 'render `reports/` after each run (`0` turns it off)', default: '1' },
  CODEX_REPORTS_DIR: { type: 'path', description: 'the reports folder', default: '`reports/` in the gated repository' },
  CODEX_REPORTS_KEEP: {
    type: 'integer',
    description: 'how many past runs `reports/history/` keeps',
    default: '`reports.historyKeep` in codex-gates.json, else 20',
  },
  GATES_ROOT: {
    type: 'path',
    description: 'the repository to gate',
    default: 'the git root of the working directory',
  },
  CODEX_GATES_CONFIG: {
    type: 'path',
    description: 'the gates config file',
    default: '`codex-gates.json` at the gated root',
  },
  CODEX_GATES_NO_CACHE: { type: 'flag', description: 'run every gate even when its cached result still holds' },
  CODEX_GATE_CACHE: {
    type: 'path',
    description: 'the gate result cache',
    default: '`gate-cache.json` beside the ledger',
  },
  CODEX_GATES_REPORTS: {
    type: 'path',
    description: 'where gates write their own reports (e.g. the placeholders gaps list)',
    default: '`reports/gaps/` in the gated repository',
  },
  CODEX_MODELS: {
    type: 'path',
    description: 'the local model registry (`npm run train -- registry`, `--init-from registry:<name>`)',
    default: '`.codex/models/` in the working directory',
  },
  CODEX_VALIDATION_MEMO: {
    type: 'path',
    description: 'where passed config validations are remembered by hash (skips the schema compile)',
    default: '`.codex/validated-configs.json`',
  },
  CODEX_REPORTER: {
    type: 'choice',
    choices: ['prebuilt', 'source'],
    description: 'load the ledger reporter prebuilt (fast) or from its TypeScript source',
    default: 'prebuilt',
  },
  CODEX_CODE_CACHE: {
    type: 'flag',
    description:
      "compile the built `codex-gates` executable and the prebuilt hook runner through V8's code cache, kept in `node_modules/.cache/codex-gates` and `.codex/hook/` (`0` turns it off)",
    default: '1',
  },
  CODEX_HOOK_RUNNER: {
    type: 'choice',
    choices: ['auto', 'bundle', 'tsx'],
    description: 'how the git hooks start: the prebuilt bundle (rebuilt when stale), the bundle as is, or tsx',
    default: 'auto',
  },
  CODEX_HOOK_STANDBY: {
    type: 'flag',
    description:
      "keep the next commit's pre-commit hook loaded in a background process, per repository (`0`: each commit starts its own)",
    default: '1 (never started when `CI` is set; not on Windows)',
  },
  CODEX_HOOK_STANDBY_IDLE_MS: {
    type: 'integer',
    description: 'how long a hook standby waits for the next commit before it exits (ms)',
    default: '900000 (15 min)',
  },
  CODEX_HOOK_FIX: { type: 'flag', description: 'let the pre-commit hook run the fixers on staged files' },
  CODEX_HOOK_FIX_TIMEOUT_MS: {
    type: 'integer',
    description: "the fixers' time limit in the hook (ms)",
    default: '60000',
  },
  CODEX_RUFF_SERVER: {
    type: 'flag',
    description:
      "keep ruff warm in a background process between commits (`0`: lint in the hook's own process, start none)",
    default: '1 (never started when `CI` is set)',
  },
  CODEX_RUFF_SERVER_IDLE_MS: {
    type: 'integer',
    description: 'how long the warm ruff server waits for a request before it exits (ms)',
    default: '900000 (15 min)',
  },
  CODEX_HOOK_TRACE: { type: 'flag', description: "print each hook step's timing marks" },
  CODEX_HOOK_CA_CERTS: {
    type: 'path',
    description:
      "NODE_EXTRA_CA_CERTS as git gave it to a hook script: the hook's own node starts without it (no TLS there) and gives it back to the tools it runs",
    internal: true,
  },
  CODEX_PRE_PUSH_TIMEOUT_MS: {
    type: 'integer',
    description: 'the time limit of the gates run by pre-push (ms)',
    default: '600000',
  },
  CODEX_ALLOW_UNGATED: { type: 'flag', description: 'let pre-push accept commits no gate run passed (recorded)' },
  SKIP: { type: 'list', description: 'hook steps to skip, comma-separated, e.g. `SKIP=secrets,lint` (recorded)' },
  HUSKY: { type: 'flag', description: "husky's switch: `0` disables the git hooks", default: '1' },
  BIOME_BINARY: { type: 'path', description: 'the Biome binary the lint step runs', default: "the repository's own" },
  CODEX_DRIFT_WITHOUT: {
    type: 'list',
    description: 'packages to make unresolvable (drift cells), comma-separated',
  },
  CODEX_PYTHON_DRIFT_CELL: {
    type: 'string',
    description: 'the module a `python-drift:without-<module>` project hides (unset: the `with-all` baseline)',
    internal: true,
  },
  CODEX_PYTHON_DRIFT_WITHOUT: {
    type: 'list',
    description: 'modules the python-drift `sitecustomize.py` makes unimportable, comma-separated (read by Python)',
    internal: true,
  },
  CODEX_PYTHON_DRIFT_PROOF: {
    type: 'path',
    description: 'where the python-drift `sitecustomize.py` reports that it ran and what it refused (read by Python)',
    internal: true,
  },
  CODEX_GATES_STAGE: {
    type: 'choice',
    choices: ['commit', 'push', 'ci', 'manual'],
    description: 'which command gates and pre-commit hooks a gates run includes (`codex-gates run --stage`)',
    default: 'ci',
  },
  CODEX_ADOPTION_BUILD_FROM_SOURCE: {
    type: 'flag',
    description: "the adoption specs build better-sqlite3 from source instead of reusing this checkout's binary",
  },
  CODEX_GATES_DECLARED: {
    type: 'string',
    description:
      'the declared gates `codex-gates run --gate` selected, as a JSON array: the gates project runs only these (no skipped rows for the rest)',
    internal: true,
  },
  CODEX_SESSION_KIND: {
    type: 'string',
    description: 'the ledger session kind a child Vitest records (e.g. `pre-push`)',
    default: 'vitest',
    internal: true,
  },
  CODEX_PARENT_SESSION: {
    type: 'string',
    description: 'the session that started this run (hooks → gates), recorded as its parent',
    internal: true,
  },
  CODEX_LEDGER_SPEC_GUARD: {
    type: 'flag',
    description: 'set in spec processes: the real `.codex/` ledger cannot be opened there',
    internal: true,
  },
  CODEX_REAL_ROOT: {
    type: 'path',
    description: 'the repository whose ledger the spec guard protects',
    internal: true,
  },
  // Variables of the system and of other tools that codex-gates reads as they are.
  CI: { type: 'string', description: 'set by CI services: no warm ruff server is started', system: true },
  XDG_RUNTIME_DIR: {
    type: 'path',
    description: "the per-user runtime folder: the warm ruff server's socket goes under it",
    system: true,
  },
  NODE_EXTRA_CA_CERTS: {
    type: 'path',
    description: "extra certificates Node reads at start; the hook scripts start the hook's node without them",
    system: true,
  },
  PATH: { type: 'string', description: 'where tools are looked for (command gates, toolchain probes)', system: true },
  NODE_OPTIONS: {
    type: 'string',
    description: "Node's options, extended by the drift cells' resolve hook",
    system: true,
  },
  PYTHONPATH: {
    type: 'string',
    description: "Python's module path, extended by the drift cells' import blocker",
    system: true,
  },
  VIRTUAL_ENV: { type: 'path', description: 'the active Python virtual environment (python-deps)', system: true },
  GIT_DIR: {
    type: 'path',
    description: 'the repository git is pointed at (hooks, scripts): the git root is asked of git then',
    system: true,
  },
  GIT_WORK_TREE: {
    type: 'path',
    description: 'the work tree git is pointed at: the git root is asked of git then',
    system: true,
  },
  GIT_INDEX_FILE: {
    type: 'path',
    description: "the index git points its commands at (a hook's temporary index): the tracked listing asks git then",
    system: true,
  },
  GIT_REFLOG_ACTION: {
    type: 'string',
    description: "git's name for the command that made a commit (post-commit)",
    system: true,
  },
  USER: { type: 'string', description: 'who skipped a hook step, when git has no user.name', system: true },
  USERNAME: { type: 'string', description: 'USER on Windows', system: true },
} as const satisfies Record<string, SettingDef>

export type SettingName = keyof typeof SETTINGS

type ValueOf<T extends SettingType> = T extends 'flag'
  ? boolean
  : T extends 'integer'
    ? number
    : T extends 'list'
      ? string[]
      : string

/** A setting's value, typed by its declaration; undefined when unset (empty counts as unset). */
export type SettingValue<N extends SettingName> = ValueOf<(typeof SETTINGS)[N]['type']> | undefined

/**
 * Reads one setting from `env`. Empty means unset. A value of the wrong shape is a UserError
 * naming the variable, what it must be and the fix (never silently ignored).
 */
export function setting<N extends SettingName>(name: N, env: NodeJS.ProcessEnv = process.env): SettingValue<N> {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const def: SettingDef = SETTINGS[name]
  return parseSetting(name, def, raw) as SettingValue<N>
}

// --- internal ---

function parseSetting(name: string, def: SettingDef, raw: string): string | number | boolean | string[] {
  const text = raw.trim()
  switch (def.type) {
    case 'flag':
      if (/^(1|true|yes|on)$/i.test(text)) return true
      if (/^(0|false|no|off)$/i.test(text)) return false
      throw invalid(name, raw, '1 or 0')
    case 'integer': {
      const n = Number(text)
      if (!Number.isInteger(n) || n < 0) throw invalid(name, raw, 'a whole number ≥ 0')
      return n
    }
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    case 'choice':
      if (!def.choices?.includes(text)) throw invalid(name, raw, `one of ${def.choices?.join(', ')}`)
      return text
    default:
      return raw
  }
}

function invalid(name: string, raw: string, expected: string): UserError {
  return new UserError(
    'BAD_SETTING',
    `environment variable ${name} must be ${expected}, got "${raw}"`,
    `fix or unset it: \`unset ${name}\``,
  )
}

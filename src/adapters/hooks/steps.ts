import type { GateName } from '../../domain/gates/gates-config.ts'

/** A hook step: one read-only gate, run on the changed files it applies to. */
export interface HookStep {
  name: GateName
  /** Which changed files the step looks at. */
  applies: (path: string) => boolean
  /**
   * The step needs the whole tree as context (link targets must be in its file list): it gets
   * every file, and only findings in the changed files it applies to count.
   */
  wholeTree?: boolean
  /** A light scan: on small inputs it runs on the hook's main thread, no worker started (run-inline.ts). */
  inline?: boolean
}

/** Files Biome formats or lints; anything else would only be reported as unknown. */
export const BIOME_FILES = /\.(?:[cm]?[jt]sx?|jsonc?|css|graphql|gql)$/i
export const MARKDOWN = /\.(?:md|markdown)$/i
/** What the python-lint gate lints (its PYTHON_FILE): `.py`, not `.pyi` stubs; kept here so the hook's main chunk does not load the gate. */
export const PYTHON_SOURCE = /\.py$/
const everything = () => true

/**
 * The pre-commit steps, in the order they are reported. All are read-only: they look at the
 * staged bytes exported to a temp folder and never write the work tree or the index, which is
 * what keeps partially staged files and Ctrl-C safe. `SKIP=<name>,…` skips steps by these names.
 */
export const PRE_COMMIT_STEPS: readonly HookStep[] = [
  { name: 'lint', applies: (path) => BIOME_FILES.test(path) },
  // ruff (WebAssembly) with the ruff settings of the staged snapshot; its worker warms ruff up early.
  { name: 'python-lint', applies: (path) => PYTHON_SOURCE.test(path) },
  { name: 'secrets', applies: everything, inline: true },
  { name: 'env-files', applies: everything, inline: true },
  { name: 'large-files', applies: everything, inline: true },
  { name: 'placeholders', applies: everything, inline: true },
  { name: 'docs-links', applies: (path) => MARKDOWN.test(path), wholeTree: true },
]

/** The steps that may run on the main thread when their inputs are small. */
export const INLINE_STEP_NAMES: ReadonlySet<string> = new Set(
  PRE_COMMIT_STEPS.filter((s) => s.inline).map((s) => s.name),
)

/** Names `SKIP` accepts in the pre-commit hook. */
export const PRE_COMMIT_STEP_NAMES: readonly string[] = PRE_COMMIT_STEPS.map((s) => s.name)

/** Names `SKIP` accepts in the pre-push hook: the ungated-commit check and the gates run. */
export const PRE_PUSH_STEP_NAMES: readonly string[] = ['ungated', 'gates']

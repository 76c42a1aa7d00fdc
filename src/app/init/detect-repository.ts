import { posix } from 'node:path'

/** What init reads of a repository: its file list, file contents on demand, and its git hook settings. */
export interface RepositoryInput {
  /** The repository folder's name (the generated package.json is named after it). */
  name: string
  /** Repo-relative POSIX paths: tracked files plus untracked ones git does not ignore. */
  files: readonly string[]
  /** A file's text, or undefined when it does not exist. Paths as in `files`. */
  read: (path: string) => string | undefined
  hooks: HookSettings
}

/** Where git looks for hooks here, and who set it. */
export interface HookSettings {
  /** `core.hooksPath` from this repository's own config (`git config --local`), if set. */
  localHooksPath?: string
  /** `core.hooksPath` from the user's or the system's config, if set (and no local one). */
  outsideHooksPath?: string
  /** The hooks folder git uses without core.hooksPath (`git rev-parse --git-path hooks`), repo-relative or absolute. */
  gitHooksDir: string
  /** Hook files already in `gitHooksDir`, `.sample` files left out: name → text. */
  gitHooks: Record<string, string>
  /** Hook files in the local core.hooksPath folder (when set and inside the repository): name → text. */
  localHooks: Record<string, string>
  /** husky's runtime (`.husky/_/h`) is in place. */
  huskyInstalled: boolean
  /** The git work tree's top when init runs on a package folder below it (a monorepo package). */
  packageOf?: string
}

/** A parsed package.json with the text it came from (for the indentation). */
export interface PackageJsonFacts {
  text: string
  value: Record<string, unknown>
}

/** The facts init plans from. */
export interface RepositoryFacts {
  name: string
  packageJson?: PackageJsonFacts
  /** package.json exists but is not valid JSON: init must not touch it. */
  packageJsonInvalid?: string
  tsconfig: boolean
  biome: boolean
  /** Python sources (`*.py`, `*.pyi`). */
  pythonFiles: number
  /** requirements*.txt, pyproject.toml, setup.cfg, setup.py, uv.lock, poetry.lock, constraints*.txt at any depth. */
  pythonManifests: string[]
  notebooks: number
  markdown: number
  preCommitConfig: boolean
  /** The Vitest config to extend: vitest.config.* first, else a vite.config.* (Vitest reads it too). */
  vitestConfig?: { path: string; text: string }
  gitignore?: string
  /** codex-gates.json text, or the older configs/gates.json. */
  gatesConfig?: { path: string; text: string }
  /** Files tracked under reports/ (then init ignores only the folders codex-gates writes there). */
  trackedReports: boolean
  huskyHooks: Record<string, string>
  hooks: HookSettings
}

const VITEST_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((e) => `vitest.config.${e}`)
const VITE_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((e) => `vite.config.${e}`)
const PYTHON_MANIFEST =
  /(?:^|\/)(?:requirements[^/]*\.txt|constraints[^/]*\.txt|pyproject\.toml|setup\.cfg|setup\.py|uv\.lock|poetry\.lock)$/
/** The hooks codex-gates installs. */
export const HOOK_NAMES = ['pre-commit', 'post-commit', 'pre-push'] as const

/**
 * The languages, tools and settings of a repository, from its file list and a few files' text:
 * pure, so every planning decision is testable without a disk.
 */
export function detectRepository(input: RepositoryInput): RepositoryFacts {
  const { files, read } = input
  const has = (path: string) => files.includes(path) || read(path) !== undefined
  const packageText = read('package.json')
  let packageJson: PackageJsonFacts | undefined
  let packageJsonInvalid: string | undefined
  if (packageText !== undefined) {
    try {
      const value = JSON.parse(packageText) as unknown
      if (value && typeof value === 'object' && !Array.isArray(value))
        packageJson = { text: packageText, value: value as Record<string, unknown> }
      else packageJsonInvalid = 'it is not a JSON object'
    } catch (error) {
      packageJsonInvalid = (error as SyntaxError).message
    }
  }
  const vitestPath = [...VITEST_CONFIGS, ...VITE_CONFIGS].find(has)
  const vitestText = vitestPath ? read(vitestPath) : undefined
  const gatesPath = ['codex-gates.json', 'configs/gates.json'].find(has)
  const gatesText = gatesPath ? read(gatesPath) : undefined
  const huskyHooks: Record<string, string> = {}
  for (const hook of HOOK_NAMES) {
    const text = read(`.husky/${hook}`)
    if (text !== undefined) huskyHooks[hook] = text
  }
  const ext = (f: string) => posix.extname(f).toLowerCase()
  return {
    name: input.name,
    packageJson,
    packageJsonInvalid,
    tsconfig: has('tsconfig.json'),
    biome: has('biome.json') || has('biome.jsonc'),
    pythonFiles: files.filter((f) => ext(f) === '.py' || ext(f) === '.pyi').length,
    pythonManifests: files.filter((f) => PYTHON_MANIFEST.test(f) && !f.startsWith('node_modules/')),
    notebooks: files.filter((f) => ext(f) === '.ipynb').length,
    markdown: files.filter((f) => ext(f) === '.md' || ext(f) === '.markdown').length,
    preCommitConfig: has('.pre-commit-config.yaml'),
    vitestConfig: vitestPath && vitestText !== undefined ? { path: vitestPath, text: vitestText } : undefined,
    gitignore: read('.gitignore'),
    gatesConfig: gatesPath && gatesText !== undefined ? { path: gatesPath, text: gatesText } : undefined,
    trackedReports: files.some((f) => f.startsWith('reports/')),
    huskyHooks,
    hooks: input.hooks,
  }
}

import type { TestProjectConfiguration, ViteUserConfig } from 'vitest/config'
import { gitRoot } from '../../foundation/fs/git-root.ts'
import { gatesProject } from './gates-project.ts'
import { pythonDriftProjects } from './python-drift-projects.ts'

export interface CodexGatesOptions {
  /** The repository to gate; default the git root of the working directory. */
  root?: string
  /** Add the ledger reporter (default true): every run of this config lands in the ledger. */
  reporter?: boolean
}

/**
 * Adds the `gates` project, the `python-drift:*` cells (when codex-gates.json has `python_drift`)
 * and the ledger reporter to a Vitest config:
 * `export default defineConfig(withCodexGates({ test: { … } }))`. A config without `projects`
 * keeps its own tests as a project that extends the root config (Vitest runs only the listed
 * projects once there is a list), so `npx vitest run` still runs them and
 * `npx vitest run --project gates` runs the gates alone.
 */
export function withCodexGates<T extends ViteUserConfig>(config: T, options: CodexGatesOptions = {}): T {
  const root = options.root ?? gitRoot(process.cwd()) ?? process.cwd()
  const test = { ...(config.test ?? {}) }
  const own: TestProjectConfiguration[] = test.projects
    ? [...test.projects]
    : [{ extends: true, test: { name: test.name ?? 'tests' } }]
  const named = (name: string) => own.some((p) => typeof p === 'object' && 'test' in p && p.test?.name === name)
  // The Python test suite's drift cells, when codex-gates.json has `python_drift`.
  const drift = pythonDriftProjects(root).filter((p) => !named(p.test?.name as string))
  test.projects = [...own, ...(named('gates') ? [] : [gatesProject(root)]), ...drift]
  if (options.reporter !== false) {
    const reporters = test.reporters === undefined ? ['default'] : [test.reporters].flat()
    const named = reporters.some(
      (r) => r === 'codex-gates/reporter' || (Array.isArray(r) && r[0] === 'codex-gates/reporter'),
    )
    test.reporters = (named ? reporters : [...reporters, 'codex-gates/reporter']) as typeof test.reporters
  }
  return { ...config, test }
}

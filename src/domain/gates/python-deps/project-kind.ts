import { posix } from 'node:path'
import type { PythonProject } from './python-project.ts'

export type ProjectKind = 'application' | 'library'

/**
 * Application or library, and why. An explicit `kind` wins; then `[tool.codex-gates] kind` in the
 * root pyproject.toml; then:
 * - a lock file anywhere makes an application: something installed as a whole, where
 *   reproducible installs matter;
 * - a root package definition (`[project]` or `[tool.poetry]` with a name in the root
 *   pyproject.toml, or setup.py / setup.cfg) without a lock makes a library, which should declare
 *   ranges, not pins; its requirements files are recipes (examples, docs, CI);
 * - otherwise a requirements file at the root (or in a root `requirements/` folder) makes an
 *   application (a training repository installed with `pip install -r`);
 * - otherwise a library. Requirements files deeper down (examples/) do not decide.
 */
export function projectKind(
  project: PythonProject,
  configured: 'auto' | ProjectKind,
): { kind: ProjectKind; reason: string } {
  if (configured !== 'auto') return { kind: configured, reason: `kind "${configured}" in the gate config` }
  const root = project.pyprojects.find((p) => p.path === 'pyproject.toml')
  if (root?.kind) return { kind: root.kind, reason: `[tool.codex-gates] kind = "${root.kind}" in pyproject.toml` }
  const lock = project.locks[0]
  if (lock) return { kind: 'application', reason: `lock file ${lock.path}` }
  if (project.packageDefinition)
    return { kind: 'library', reason: `package definition ${project.packageDefinition} and no lock file` }
  const topRequirements = [...project.requirements.files.keys()].find(
    (p) => !project.requirements.constraintFiles.has(p) && (!p.includes('/') || posix.dirname(p) === 'requirements'),
  )
  if (topRequirements)
    return { kind: 'application', reason: `requirements file ${topRequirements} and no package definition` }
  return { kind: 'library', reason: 'no lock file and no top-level requirements file' }
}

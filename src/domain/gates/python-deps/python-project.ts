import { posix } from 'node:path'
import { compiledLock, isCompiledRequirements } from './compiled-requirements.ts'
import { type DeclaredDependency, directReference, fromRequirement } from './declared-dependency.ts'
import { isConstraintsName, isPythonDependencyFile, isRequirementsName } from './dependency-file.ts'
import type { LockFile } from './lock-file.ts'
import { parseRequirement, type Requirement } from './pep508-requirement.ts'
import { parsePoetryLock } from './poetry-lock.ts'
import { type Pyproject, parsePyproject } from './pyproject.ts'
import type { RequirementEntry } from './requirements-file.ts'
import { type RequirementsTree, readRequirementsTree } from './requirements-includes.ts'
import { parseUvLock } from './uv-lock.ts'

export { isPythonDependencyFile } from './dependency-file.ts'

/** Everything the Python dependency files of a repository declare and lock. */
export interface PythonProject {
  /** Declarations from pyproject.toml files and requirements files (constraint files and compiled locks excluded). */
  declared: DeclaredDependency[]
  /** Lines of `-c` constraint files. */
  constraints: DeclaredDependency[]
  pyprojects: Pyproject[]
  requirements: RequirementsTree
  locks: LockFile[]
  /** The lock each manifest file resolves through (by the manifest's path). */
  lockOf: Map<string, LockFile>
  /** Problems met while reading: syntax, bad includes, bad lock lines. */
  problems: { rule: string; file: string; line: number | null; message: string }[]
  /** Every file read (for the result cache). */
  filesRead: string[]
  /** What defines a package at the root: `pyproject.toml [project]`, `pyproject.toml [tool.poetry]`, `setup.py`, `setup.cfg`. */
  packageDefinition?: string
}

/** Reads every dependency file in `files` (repo-relative) with `read`, and pairs manifests with locks. */
export function loadPythonProject(
  files: readonly string[],
  read: (path: string) => string | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): PythonProject {
  const filesRead = new Set<string>()
  const reading = (path: string) => {
    const text = read(path)
    if (text !== undefined) filesRead.add(path)
    return text
  }
  const candidates = files.filter(isPythonDependencyFile).sort()
  const tree = readRequirementsTree(requirementsRoots(candidates), reading, env)
  const project: PythonProject = {
    declared: [],
    constraints: [],
    pyprojects: [],
    requirements: tree,
    locks: [],
    lockOf: new Map(),
    problems: [],
    filesRead: [],
  }

  for (const path of candidates.filter((p) => posix.basename(p) === 'pyproject.toml')) {
    const text = reading(path)
    if (text === undefined) continue
    const pyproject = parsePyproject(text, path)
    project.pyprojects.push(pyproject)
    project.declared.push(...pyproject.dependencies)
    for (const p of pyproject.problems) project.problems.push({ rule: 'manifest-syntax', file: path, ...p })
  }
  for (const path of candidates.filter((p) => /(?:^|\/)(?:uv|poetry)\.lock$/.test(p))) {
    const text = reading(path)
    if (text === undefined) continue
    const lock = path.endsWith('uv.lock') ? parseUvLock(text, path) : parsePoetryLock(text, path)
    project.locks.push(lock)
  }

  for (const p of tree.problems) project.problems.push(p)
  for (const [path, file] of tree.files) {
    for (const p of file.problems) project.problems.push({ rule: 'requirements-syntax', file: path, ...p })
    const text = read(path) ?? ''
    if (isCompiledRequirements(path, text)) {
      project.locks.push(compiledLock(file, text))
      continue
    }
    const constraint = tree.constraintFiles.has(path)
    for (const entry of file.entries) {
      const dep = entryToDeclared(entry, constraint ? 'constraints' : 'requirements')
      if (dep) (constraint ? project.constraints : project.declared).push(dep)
    }
  }
  for (const lock of project.locks) {
    for (const p of lock.problems) project.problems.push({ rule: 'lock-syntax', file: lock.path, ...p })
  }
  pairLocks(project)
  project.filesRead = [...filesRead].sort()
  const rootPyproject = project.pyprojects.find((p) => p.path === 'pyproject.toml')
  if (rootPyproject?.name)
    project.packageDefinition = rootPyproject.poetry ? 'pyproject.toml [tool.poetry]' : 'pyproject.toml [project]'
  else project.packageDefinition = ['setup.py', 'setup.cfg'].find((f) => files.includes(f))
  return project
}

// --- internal ---

/** Requirements files to start from: requirements-named ones install, constraints-named ones constrain. */
export function requirementsRoots(
  candidates: readonly string[],
): { path: string; kind: 'requirement' | 'constraint' }[] {
  return candidates.flatMap((path): { path: string; kind: 'requirement' | 'constraint' }[] => {
    if (isRequirementsName(path)) return [{ path, kind: 'requirement' }]
    return isConstraintsName(path) ? [{ path, kind: 'constraint' }] : []
  })
}

function entryToDeclared(
  entry: RequirementEntry,
  section: 'requirements' | 'constraints',
): DeclaredDependency | undefined {
  const where = { file: entry.file, line: entry.line, section, group: 'main', runtime: true, text: entry.text }
  const requirement = entry.requirement ?? vcsRequirement(entry)
  if (!requirement) return undefined // a local path or archive whose name only a build would tell
  const dep = fromRequirement(requirement, where)
  if (entry.form !== 'specifier' && entry.location) dep.direct = directReference(entry.location)
  if (entry.marker) dep.marker = entry.marker
  if (entry.editable) dep.editable = true
  if (entry.hashes.length > 0) dep.hashes = entry.hashes
  // A wheel URL names its version: the lock view of it is exact, not a moving reference.
  if (dep.direct?.kind === 'archive' && /\.whl(?:[#?].*)?$/i.test(dep.direct.location)) delete dep.direct
  return dep
}

/**
 * A bare VCS URL (`git+https://github.com/huggingface/transformers`) names no package; its
 * repository name stands in, so the line is still checked for a moving reference.
 */
function vcsRequirement(entry: RequirementEntry): Requirement | undefined {
  if (entry.form !== 'url' || !entry.location || !/^(?:git|hg|svn|bzr)\+/i.test(entry.location)) return undefined
  const repo = /\/([A-Za-z0-9._-]+?)(?:\.git)?(?:@[^/]*)?(?:[#?].*)?$/.exec(entry.location)?.[1]
  if (!repo) return undefined
  try {
    return parseRequirement(repo)
  } catch {
    return undefined
  }
}

/** uv.lock and poetry.lock pair with the pyproject.toml beside them (uv also with its workspace members); pip-compile output with its inputs. */
function pairLocks(project: PythonProject): void {
  for (const lock of project.locks) {
    const dir = posix.dirname(lock.path)
    if (lock.format === 'pip-compile') {
      for (const input of lock.inputs) project.lockOf.set(input.path, lock)
      continue
    }
    for (const pyproject of project.pyprojects) {
      const pdir = posix.dirname(pyproject.path)
      const rel = posix.relative(dir, pdir) || '.'
      const member = lock.format === 'uv' ? lock.inputs.some((i) => posix.normalize(i.path) === rel) : rel === '.'
      if (member || rel === '.') project.lockOf.set(pyproject.path, lock)
    }
  }
}

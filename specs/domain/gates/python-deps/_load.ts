// Loads a project from the committed fixtures or from an in-memory file map, for the check specs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Issue } from '../../../../src/domain/gates/python-deps/issue.ts'
import { loadPythonProject, type PythonProject } from '../../../../src/domain/gates/python-deps/python-project.ts'
import { FIXTURES, listFiles } from './_python-fixtures.ts'

export function fixtureProject(name: string): PythonProject {
  const root = join(FIXTURES, name)
  return loadPythonProject(listFiles(root), (p) => readFileSync(join(root, p), 'utf8'))
}

export function memoryProject(files: Record<string, string>): PythonProject {
  return loadPythonProject(Object.keys(files), (p) => files[p])
}

/** `severity rule file:line`, the shape the "planted and nothing else" assertions compare. */
export function brief(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${i.severity} ${i.rule} ${i.file}:${i.line}`)
}

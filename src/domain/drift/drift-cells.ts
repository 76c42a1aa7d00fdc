import { OPTIONAL_DEPENDENCIES, type OptionalDependency } from '../../foundation/optional/optional-dependencies.ts'

/** `drift:without-better-sqlite3`, `drift:without-vitest-coverage-v8` (scope `@` and `/` folded). */
export function cellName(dependency: string): string {
  return `drift:without-${dependency.replace(/^@/, '').replaceAll('/', '-')}`
}

/** The optional dependency a cell project hides, or null for any other project name. */
export function cellDependency(projectName: string): OptionalDependency | null {
  for (const dep of Object.keys(OPTIONAL_DEPENDENCIES) as OptionalDependency[])
    if (cellName(dep) === projectName) return dep
  return null
}

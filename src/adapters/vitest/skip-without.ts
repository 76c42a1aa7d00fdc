import type { OptionalDependency } from '../../foundation/optional/optional-dependencies.ts'
import { isDependencyAvailable, missingDependency } from '../../foundation/optional/optional-import.ts'
import { cellName } from './drift-projects.ts'

/** The part of Vitest's test context these helpers use. */
export interface Skippable {
  skip: (note?: string) => void
}

/**
 * Call first in a test (or a `beforeEach`) that needs `dependencies`: when one cannot be
 * resolved here — absent, or hidden by a drift cell — the test is skipped with the reason.
 */
export function skipWithout(ctx: Skippable, ...dependencies: OptionalDependency[]): void {
  for (const dep of dependencies) {
    const missing = missingDependency(dep)
    if (!missing) continue
    ctx.skip(
      missing.reason === 'hidden'
        ? `needs ${dep}, hidden in this drift cell (${cellName(dep)})`
        : `needs ${dep}: ${missing.remediation}`,
    )
  }
}

/**
 * For a test about running without `dependency`: it runs where the dependency cannot be resolved
 * (its drift cell, whose whole process tree lacks it, or a machine without it) and is skipped
 * elsewhere, saying where it runs.
 */
export function onlyWithout(ctx: Skippable, dependency: OptionalDependency): void {
  if (isDependencyAvailable(dependency)) ctx.skip(`runs in ${cellName(dependency)}, where ${dependency} is hidden`)
}

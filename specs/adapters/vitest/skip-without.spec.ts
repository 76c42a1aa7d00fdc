import { describe, expect, test } from 'vitest'
import { cellName, hiddenHere } from '../../../src/adapters/vitest/drift-projects.ts'
import { onlyWithout, skipWithout } from '../../../src/adapters/vitest/skip-without.ts'
import {
  OPTIONAL_DEPENDENCIES,
  type OptionalDependency,
} from '../../../src/foundation/optional/optional-dependencies.ts'

const DEPS = Object.keys(OPTIONAL_DEPENDENCIES) as OptionalDependency[]

/** Records what the helper asked for instead of skipping this test. */
function recorder() {
  const notes: string[] = []
  return { notes, ctx: { skip: (note?: string) => void notes.push(note ?? '') } }
}

describe('skipWithout() and onlyWithout()', () => {
  test.for(DEPS)('%s: skip with the reason exactly where it is hidden', (dep) => {
    const need = recorder()
    skipWithout(need.ctx, dep)
    const only = recorder()
    onlyWithout(only.ctx, dep)
    if (hiddenHere().includes(dep)) {
      expect(need.notes).toEqual([`needs ${dep}, hidden in this drift cell (${cellName(dep)})`])
      expect(only.notes).toEqual([])
    } else {
      expect(need.notes).toEqual([])
      expect(only.notes).toEqual([`runs in ${cellName(dep)}, where ${dep} is hidden`])
    }
  })
})

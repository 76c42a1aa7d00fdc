import { describe, expect, test } from 'vitest'
import { createVitest } from 'vitest/node'
import config from '../vitest.config.ts'
import { projects } from '../vitest.workspace.ts'

describe('vitest.workspace.ts', () => {
  test('is the very list vitest.config.ts hands to Vitest', () => {
    expect(config.test?.projects).toBe(projects)
  })

  test('every project it names is a project Vitest resolves, and nothing else is', async () => {
    const vitest = await createVitest('test', { watch: false, reporters: [], config: 'vitest.config.ts' })
    try {
      const resolved = vitest.projects.map((p) => p.name).sort()
      const declared = projects.map((p) => p.test?.name).sort()
      expect(resolved).toEqual(declared)
      expect(new Set(declared).size).toBe(declared.length)
    } finally {
      await vitest.close()
    }
  })
})

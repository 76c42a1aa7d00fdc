import { describe, expect, test } from 'vitest'
import { GATE_NAMES } from '../../../src/domain/gates/gates-config.ts'
import { GATES, loadGate } from '../../../src/domain/gates/registry.ts'

describe('loadGate()', () => {
  test.each(GATE_NAMES)('%s loads the gate of that name, with a description and a scanner', async (name) => {
    const gate = await loadGate(name)
    expect(gate.name).toBe(name)
    expect(gate.description.length).toBeGreaterThan(10)
    expect(typeof gate.scan).toBe('function')
  })

  test('the registry has exactly the configured gates', () => {
    expect(Object.keys(GATES).sort()).toEqual([...GATE_NAMES].sort())
  })
})

import { totalmem } from 'node:os'
import { describe, expect, test } from 'vitest'
import {
  checkFitsMemory,
  machineMemory,
  programEstimate,
  stateEstimate,
} from '../../../src/domain/train/memory-estimate.ts'
import { countParams } from '../../../src/domain/train/model/gpt.ts'
import { buildTrainProgram, EVAL_GRAPH, STEP_GRAPH } from '../../../src/domain/train/train-step-graph.ts'
import { trainStepSpec } from '../../../src/domain/train/train-step-spec.ts'
import { planMemory } from '../../../src/domain/train/ts/memory-plan.ts'
import { tinyConfig } from './support/tiny-config.ts'

const config = tinyConfig()
const spec = trainStepSpec(config, 50)

describe('stateEstimate()', () => {
  test('parameters and both AdamW moments in float32: 12 bytes a parameter, from the config alone', () => {
    const e = stateEstimate(spec.model)
    expect(e.parameters).toBe(countParams(spec.model, false))
    expect(e.stateBytes).toBe(12 * e.parameters)
    expect(e.totalBytes).toBe(e.stateBytes)
    // nanoGPT-style 12·L·C² dominates a 96-layer, 8192-wide model: ~77 billion parameters, ~928 GB
    const huge = stateEstimate({ ...spec.model, n_layer: 96, n_embd: 8192, n_head: 64 })
    expect(huge.parameters).toBeGreaterThan(77e9)
    expect(huge.stateBytes).toBeGreaterThan(927e9)
  })
})

describe('programEstimate()', () => {
  test('adds the ts executor buffers of the step and the eval graph', () => {
    const built = buildTrainProgram(spec)
    const names = new Set(built.program.state.map((s) => s.name))
    const buffers = [STEP_GRAPH, EVAL_GRAPH].reduce(
      (sum, g) => sum + planMemory(built.program.graphs[g] as never, names).bytes,
      0,
    )
    const e = programEstimate(spec.model, built)
    expect(e.bufferBytes).toBe(buffers)
    expect(e.totalBytes).toBe(e.stateBytes + buffers)
  })
})

describe('machineMemory()', () => {
  test('RAM, or a lower cgroup limit', () => {
    const m = machineMemory()
    expect(m.bytes).toBeGreaterThan(0)
    expect(m.bytes).toBeLessThanOrEqual(totalmem())
    expect(['RAM', 'cgroup limit']).toContain(m.source)
  })
})

describe('checkFitsMemory()', () => {
  const estimate = { parameters: 1000, stateBytes: 12_000, bufferBytes: 3e9, totalBytes: 3e9 + 12_000 }

  test('passes when the estimate fits', () => {
    expect(() => checkFitsMemory(config, estimate, { bytes: 4e9, source: 'RAM' })).not.toThrow()
  })

  test('refuses with both figures; when buffers dominate it names batch_size and block_size first', () => {
    expect(() => checkFitsMemory(config, estimate, { bytes: 2e9, source: 'cgroup limit' })).toThrow(
      expect.objectContaining({
        code: 'TRAIN_MEMORY',
        exitCode: 2,
        message:
          'the config needs at least 3.0 GB to train (0.0 MB for 1,000 parameters and their AdamW moments + 3.0 GB of step and eval buffers), but this machine has 2.0 GB (cgroup limit)',
        hint: 'shrink batch_size (4) or block_size (16): buffers grow with batch_size·block_size·n_embd and batch_size·n_head·block_size²; else n_layer (1) or n_embd (16): parameters grow as 12·n_layer·n_embd²; e.g. --set batch_size=… --set block_size=…, and check with --dry-run',
      }),
    )
  })
})

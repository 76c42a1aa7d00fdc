// The `data` benchmark (src/app/bench/data-bench.ts) run at a tiny size: it must measure every stage
// and find the round trip exact. Timings are not asserted here; benchmarks report them.
import { describe, expect, test } from 'vitest'
import { dataBench } from '../../../src/app/bench/data-bench.ts'
import { measureBench } from './measure-bench.ts'

describe('dataBench()', () => {
  test('measures every stage on small sizes', async () => {
    const result = await measureBench(dataBench, [
      '--records',
      '2000',
      '--text-mb',
      '1',
      '--train-mb',
      '1',
      '--vocab',
      '400',
    ])
    expect(result.name).toBe('data')
    expect(result.rows.map((r) => r.stage)).toEqual([
      'generate JSONL (setup)',
      'prepare: validate+split+write+shuffle+manifest',
      'prepare again (cache hit)',
      'permutation alone (Fisher-Yates)',
      'split hash alone (sha256)',
      'BPE train vocab 400',
      'BPE encode',
      'BPE encode+decode round trip (sample)',
    ])
    expect(result.extra).toMatchObject({ records: 2000, bpe_vocab: 400, round_trip: true })
    expect(result.extra?.encode_mb_per_s).toBeGreaterThan(0)
  }, 60_000)

  test('rejects a bad flag value, naming it', async () => {
    await expect(measureBench(dataBench, ['--records', 'many'])).rejects.toThrow(
      /--records must be a whole number ≥ 0, got "many"/,
    )
    await expect(measureBench(dataBench, ['--recods', '5'])).rejects.toMatchObject({
      message: 'npm run bench -- data: unknown option --recods',
      hint: expect.stringMatching(/did you mean --records\?/),
    })
  })
})

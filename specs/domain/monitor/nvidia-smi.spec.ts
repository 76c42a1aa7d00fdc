import { describe, expect, test } from 'vitest'
import { GPU_QUERY_FIELDS, nvidiaSmiArgs, parseNvidiaSmiLine } from '../../../src/domain/monitor/nvidia-smi.ts'
import { summarize } from '../../../src/domain/monitor/summarize.ts'

describe('nvidia-smi parsing', () => {
  test('one long-lived query in csv without header or units', () => {
    expect(nvidiaSmiArgs(500)).toEqual([
      `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '-lms',
      '500',
    ])
  })

  test('a row becomes numbers; [N/A] and [Not Supported] become null', () => {
    const row = parseNvidiaSmiLine(
      '2026/11/22 05:00:00.123, 0, NVIDIA H100 80GB HBM3, 87, 41, 81559, 12000, 54, [N/A], [Not Supported]',
      7,
    )
    expect(row).toEqual({
      kind: 'gpu',
      ts: 7,
      gpu_time: '2026/11/22 05:00:00.123',
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      util_pct: 87,
      mem_util_pct: 41,
      mem_total_mib: 81559,
      mem_used_mib: 12000,
      temp_c: 54,
      power_w: null,
      sm_clock_mhz: null,
    })
  })

  test('a short or foreign line is skipped, not guessed at', () => {
    expect(parseNvidiaSmiLine('NVIDIA-SMI has failed because it could not communicate with the driver', 1)).toBeNull()
    expect(parseNvidiaSmiLine('', 1)).toBeNull()
  })
})

describe('summarize()', () => {
  test('mean and max per numeric field; nulls, NaN, strings and ts skipped; prefixes per group', () => {
    const s = summarize(
      [
        { ts: 1, index: 0, cpu: 10, name: 'a', x: null },
        { ts: 2, index: 1, cpu: 30, x: Number.NaN },
      ],
      (r) => `g${r.index}/`,
    )
    expect(s).toEqual({ 'g0/cpu': { mean: 10, max: 10, count: 1 }, 'g1/cpu': { mean: 30, max: 30, count: 1 } })
    expect(summarize([{ v: 1 }, { v: 3 }])).toEqual({ v: { mean: 2, max: 3, count: 2 } })
  })
})

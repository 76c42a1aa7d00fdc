import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { formatBytes, largeFilesGate, scanLargeFiles } from '../../../../src/domain/gates/large-files/large-files.ts'
import { tempRepo } from '../_temp-repo.ts'

describe('scanLargeFiles()', () => {
  test('flags files over max_bytes unless allowlisted', () => {
    const root = tempRepo({
      'small.txt': 'x'.repeat(100),
      'big.bin': 'x'.repeat(2048),
      'models/w.onnx': 'x'.repeat(4096),
    })
    const config = { ...GATE_DEFAULTS['large-files'], max_bytes: 1024, allow: ['models/**'] }
    const { findings } = scanLargeFiles(root, ['small.txt', 'big.bin', 'models/w.onnx'], config)
    expect(findings.map((f) => f.message)).toEqual(['big.bin is 2.0 KiB, over the 1.0 KiB limit'])
  })

  test('the cache is keyed on the listing (paths and sizes), not on contents', () => {
    expect(largeFilesGate.cacheInputs?.('/r', ['a.bin'], GATE_DEFAULTS['large-files'])).toEqual({
      contents: [],
      listing: true,
    })
  })

  test('formatBytes()', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(50 * 1024 ** 2)]).toEqual(['512 B', '1.5 KiB', '50 MiB'])
  })
})

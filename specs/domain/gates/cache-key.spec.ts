import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { hashScannerSources, scannerSourceHash } from '../../../src/domain/gates/cache-key.ts'
import { PACKAGE_ROOT } from '../../../src/domain/gates/repo-files.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('scannerSourceHash()', () => {
  test('from source it is the hash of the scanner sources; a changed scanner file changes that hash', () => {
    const src = join(PACKAGE_ROOT, 'src')
    expect(scannerSourceHash()).toBe(hashScannerSources(src, '.ts'))
    // A copy of the scanner folders: same bytes, same hash; one byte more in one scanner, another.
    const copy = join(tempDir('scanner-hash-'), 'src')
    for (const dir of ['domain/gates', 'foundation/redact']) {
      mkdirSync(join(copy, dir), { recursive: true })
      cpSync(join(src, dir), join(copy, dir), { recursive: true })
    }
    expect(hashScannerSources(copy, '.ts')).toBe(hashScannerSources(src, '.ts'))
    writeFileSync(join(copy, 'domain/gates/finding.ts'), '\n', { flag: 'a' })
    expect(hashScannerSources(copy, '.ts')).not.toBe(hashScannerSources(src, '.ts'))
  })
})

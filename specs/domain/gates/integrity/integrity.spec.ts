import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { integrityGate, scanIntegrity } from '../../../../src/domain/gates/integrity/integrity.ts'
import { buildManifest, writeManifest } from '../../../../src/domain/gates/integrity/manifest.ts'
import { tempDir } from '../_temp-repo.ts'

const CONFIG = { ...GATE_DEFAULTS.integrity, allow: ['logs/**'] }

function repo(): string {
  const root = tempDir('gates-integrity-')
  for (const [p, t] of Object.entries({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' })) writeFileSync(join(root, p), t)
  writeManifest(join(root, CONFIG.manifest), buildManifest(root, ['a.txt', 'b.txt', 'c.txt']))
  return root
}

describe('scanIntegrity()', () => {
  test('an unchanged tree has no findings', () => {
    const root = repo()
    expect(scanIntegrity(root, ['a.txt', 'b.txt', 'c.txt'], CONFIG).findings).toEqual([])
  })

  test('reports added, removed, changed and moved files; allowlisted paths are ignored', () => {
    const root = repo()
    writeFileSync(join(root, 'a.txt'), 'a2')
    rmSync(join(root, 'b.txt'))
    renameSync(join(root, 'c.txt'), join(root, 'moved.txt'))
    writeFileSync(join(root, 'new.txt'), 'n')
    mkdirSync(join(root, 'logs'))
    writeFileSync(join(root, 'logs', 'x.log'), 'noise')
    const { findings } = scanIntegrity(root, ['a.txt', 'moved.txt', 'new.txt', 'logs/x.log'], CONFIG)
    expect(findings.map((f) => `${f.rule} ${f.file}`)).toEqual([
      'added new.txt',
      'removed b.txt',
      'changed a.txt',
      'moved moved.txt',
    ])
    expect(findings[3]?.message).toMatch(/^c\.txt moved to moved\.txt since the manifest of /)
    expect(findings.every((f) => f.remediation.includes('npm run gates -- manifest'))).toBe(true)
  })

  test('without a manifest the gate is skipped with the command that takes one', () => {
    const root = tempDir('gates-integrity-')
    expect(integrityGate.skipReason?.(root, [], CONFIG)).toContain('npm run gates -- manifest')
    // Called directly (no skip check), it has nothing to compare with: no findings.
    expect(scanIntegrity(root, ['a.txt'], CONFIG)).toEqual({ findings: [] })
  })

  test('with a manifest the gate applies, keyed on the files, the manifest and the listing', () => {
    const root = repo()
    expect(integrityGate.skipReason?.(root, [], CONFIG)).toBeUndefined()
    expect(integrityGate.cacheInputs?.(root, ['a.txt'], CONFIG)).toEqual({
      contents: ['a.txt', CONFIG.manifest],
      listing: true,
    })
  })
})

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { backupKind, duplicatesGate, scanDuplicates } from '../../../../src/domain/gates/duplicates/duplicates.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { tempRepo } from '../_temp-repo.ts'

describe('backupKind()', () => {
  test.each([
    ['train.py01', true],
    ['src/model.ts.orig', true],
    ['notes.bak', true],
    ['config.old', true],
    ['draft.md~', true],
    ['report copy.md', true],
    ['report copy 2.md', true],
    ['photo (1).png', true],
    ['video.mp4', false],
    ['weights.h5', false],
    ['data.md5', false],
    ['script.py3', false],
    ['data.sha256', false],
    ['src/copy.ts', false],
    ['old-notes.md', false],
  ])('%s is a backup name: %s', (path, expected) => {
    expect(backupKind(path) !== undefined).toBe(expected)
  })
})

describe('scanDuplicates()', () => {
  test('byte-identical files: each copy after the first (in path order); empty files never count', () => {
    const root = tempRepo({
      'a.txt': 'same',
      'b/a.txt': 'same',
      'c.txt': 'same',
      'd.txt': 'diff',
      'e.txt': '',
      'f.txt': '',
    })
    const { findings } = scanDuplicates(
      root,
      ['a.txt', 'b/a.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt'],
      GATE_DEFAULTS.duplicates,
    )
    expect(findings.map((f) => `${f.rule} ${f.file}`)).toEqual(['identical-files b/a.txt', 'identical-files c.txt'])
    expect(findings[0]?.message).toMatch(/^b\/a\.txt is byte-identical to a\.txt/)
  })

  test('backup names are findings; the allowlist exempts paths', () => {
    const root = tempRepo({ 'x.py01': 'a', 'keep/y.bak': 'b' })
    const config = { ...GATE_DEFAULTS.duplicates, allow: ['keep/**'] }
    expect(scanDuplicates(root, ['x.py01', 'keep/y.bak'], config).findings.map((f) => `${f.rule} ${f.file}`)).toEqual([
      'backup-name x.py01',
    ])
  })

  test('paths that cannot be read (a folder listed by mistake) are skipped, not compared', () => {
    const root = tempRepo({ 'a.txt': 'same', 'b.txt': 'same' })
    mkdirSync(join(root, 'd1'))
    mkdirSync(join(root, 'd2'))
    const { findings } = scanDuplicates(root, ['a.txt', 'b.txt', 'd1', 'd2'], GATE_DEFAULTS.duplicates)
    expect(findings.map((f) => f.file)).toEqual(['b.txt'])
  })

  test('the cache covers the files and the listing (names matter, not only contents)', () => {
    expect(duplicatesGate.cacheInputs?.('/r', ['a.txt'], GATE_DEFAULTS.duplicates)).toEqual({
      contents: ['a.txt'],
      listing: true,
    })
  })
})

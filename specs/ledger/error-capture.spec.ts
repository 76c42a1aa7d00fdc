import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { maskSecret } from '../../src/foundation/redact/mask-secret.ts'
import { appendErrorBlocks, errorBlock, renderQuestion } from '../../src/ledger/error-capture.ts'
import { tempDir } from '../support/temp-dir.ts'

const ghp = `ghp_${'Zx81Aq1fEbVId8woPeX9'}${'PcWk2LmN3pQr4sTu'}`

describe('renderQuestion()', () => {
  test("is the seeds' template, word for word", () => {
    expect(renderQuestion({ step: 'npm test', error: 'boom', context: 'specs/a.spec.ts > adds' })).toBe(
      'While performing npm test, encountered the following error: boom. Context: specs/a.spec.ts > adds. What are the possible causes, and how can this be resolved while preserving intended functionality?',
    )
  })
})

describe('errorBlock()', () => {
  test('keeps the first non-blank line of the error, trimmed and without its final period', () => {
    const block = errorBlock('s1', 'unit', '\n   \n  AssertionError: expected 1 to be 2.  \n    at x.ts:1:1\n', 'ctx')
    expect(block).toMatchObject({
      session_id: 's1',
      step: 'unit',
      error: 'AssertionError: expected 1 to be 2',
      context: 'ctx',
    })
    expect(Number.isNaN(Date.parse(block.ts))).toBe(false)
  })

  test('an error of blank lines only is kept as it is, trimmed', () => {
    expect(errorBlock('s', 'step', '  \n \n', 'c').error).toBe('')
    expect(errorBlock('s', 'step', '', 'c').error).toBe('')
  })

  test('for any error text: one line of the input, the first that is not blank', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '.', '\n', 'é') })).map((l) => l.join('\n')),
        (error) => {
          const { error: line } = errorBlock('s', 'step', error, 'c')
          expect(line).not.toContain('\n')
          expect(error).toContain(line)
          const firstText = error.split('\n').find((l) => l.trim() !== '')
          if (firstText !== undefined) expect(firstText.trim().startsWith(line)).toBe(true)
        },
      ),
    )
  })
})

describe('appendErrorBlocks()', () => {
  const dir = tempDir('error-capture-')

  test('appends one masked JSON line per block, creating the folder', () => {
    const path = join(dir, 'nested', '.codex', 'errors.ndjson')
    appendErrorBlocks(path, [errorBlock('s1', 'unit', `push failed with ${ghp}`, 'first')])
    appendErrorBlocks(path, [errorBlock('s2', 'gates', 'second', `token ${ghp} in context`)])
    appendErrorBlocks(path, [])
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    const [first, second] = lines.map((l) => JSON.parse(l))
    expect(first).toMatchObject({ session_id: 's1', error: `push failed with ${maskSecret(ghp)}` })
    expect(second).toMatchObject({ session_id: 's2', context: `token ${maskSecret(ghp)} in context` })
    expect(readFileSync(path, 'utf8')).not.toContain(ghp)
  })
})

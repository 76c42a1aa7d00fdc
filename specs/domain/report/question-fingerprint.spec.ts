import { describe, expect, test } from 'vitest'
import {
  normaliseError,
  normaliseStep,
  questionFingerprint,
  questionText,
} from '../../../src/domain/report/question-fingerprint.ts'

describe('normaliseError()', () => {
  test('keeps the first line and replaces what varies between runs', () => {
    expect(normaliseError('expected 3 to be 4\n  at x (a.ts:1:2)')).toBe('expected N to be N')
    expect(normaliseError("ENOENT: open '/tmp/run-12/weights.bin'.")).toBe("ENOENT: open '<tmp>'")
    expect(normaliseError('session 1b4e28ba-2fa1-11d2-883f-0016d3cca427 sha deadbeefcafe1234')).toBe(
      'session <id> sha <hex>',
    )
    expect(normaliseError('\x1b[31mred\x1b[39m   text')).toBe('red text')
  })

  test('one fingerprint for the same failure with other numbers, another for another step', () => {
    expect(questionFingerprint('test "case 3"', 'boom')).not.toBe(questionFingerprint('test "case 4"', 'boom'))
    expect(questionFingerprint('test "a"', 'expected 3 to be 4')).toBe(
      questionFingerprint('test "a"', 'expected 12 to be 4'),
    )
    expect(questionFingerprint('test "a"', 'expected 3 to be 4')).not.toBe(
      questionFingerprint('test "b"', 'expected 3 to be 4'),
    )
    expect(questionFingerprint('test "a"', 'expected 3 to be 4')).toMatch(/^[0-9a-f]{12}$/)
  })
})

describe('questionText()', () => {
  test('is the seeds template word for word', () => {
    expect(questionText({ step: 'S', error: 'E', context: 'C' })).toBe(
      'While performing S, encountered the following error: E. Context: C. What are the possible causes, and how can this be resolved while preserving intended functionality?',
    )
  })
})

describe('normaliseStep()', () => {
  test('keeps numbers (they name different tests) but drops temp paths and ids', () => {
    expect(normaliseStep('test "case 3" in /tmp/x-12/a.ts')).toBe('test "case 3" in <tmp>')
    expect(normaliseStep('run 1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe('run <id>')
  })
})

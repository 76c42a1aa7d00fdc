import { describe, expect, test } from 'vitest'
import {
  endOfFileFixer,
  endOfFileFixerHook,
} from '../../../../../src/domain/gates/pre-commit/hooks/end-of-file-fixer.ts'
import { bin, text } from './_file.ts'

describe('endOfFileFixer()', () => {
  // Upstream's table (tests/end_of_file_fixer_test.py): input, fixed?, output.
  test.each([
    ['foo\n', false, 'foo\n'],
    ['', false, ''],
    ['\n\n', true, ''],
    ['\n\n\n\n', true, ''],
    ['foo', true, 'foo\n'],
    ['foo\n\n\n', true, 'foo\n'],
    ['\xe2\x98\x83', true, '\xe2\x98\x83\n'],
    ['foo\r\n', false, 'foo\r\n'],
    ['foo\r\n\r\n\r\n', true, 'foo\r\n'],
    ['foo\r', false, 'foo\r'],
    ['foo\r\r\r\r', true, 'foo\r'],
  ])('%j → fixed %s, %j', (input, fixed, output) => {
    const verdict = endOfFileFixer(bin('f.txt', input))
    expect(verdict.problems.length > 0).toBe(fixed)
    expect(text(verdict.fixed) ?? input).toBe(output)
  })

  test('prints "Fixing {file}" and the hook fails when any file is fixed', () => {
    const outcome = endOfFileFixerHook.run([bin('a.txt', 'x\n'), bin('b.txt', 'y')], [], {})
    expect(outcome.failed).toBe(true)
    expect(outcome.problems).toEqual([{ path: 'b.txt', message: 'Fixing b.txt' }])
    expect(text(outcome.fixes.get('b.txt'))).toBe('y\n')
  })
})

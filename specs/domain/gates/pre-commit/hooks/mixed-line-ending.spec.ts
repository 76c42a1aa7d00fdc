import { describe, expect, test } from 'vitest'
import {
  mixedLineEnding,
  parseMixedLineEndingArgs,
} from '../../../../../src/domain/gates/pre-commit/hooks/mixed-line-ending.ts'
import { userErrorFrom } from '../../../../support/user-error.ts'
import { bin, text } from './_file.ts'

describe('mixedLineEnding()', () => {
  // Upstream's auto table (tests/mixed_line_ending_test.py).
  test.each([
    ['foo\r\nbar\nbaz\n', 'foo\nbar\nbaz\n'],
    ['foo\r\nbar\nbaz\r\n', 'foo\r\nbar\r\nbaz\r\n'],
    ['foo\rbar\nbaz\r', 'foo\rbar\rbaz\r'],
    ['foo\r\nbar\n', 'foo\nbar\n'],
    ['foo\rbar\n', 'foo\nbar\n'],
    ['foo\r\nbar\r', 'foo\r\nbar\r\n'],
    ['foo\r\nbar\nbaz\r', 'foo\nbar\nbaz\n'],
    ['foo\r\nbar\nbaz', 'foo\nbar\nbaz\n'],
  ])('auto: %j → %j', (input, output) => {
    const verdict = mixedLineEnding(bin('f.txt', input), 'auto')
    expect(verdict.problems).toEqual([{ path: 'f.txt', message: 'f.txt: fixed mixed line endings' }])
    expect(text(verdict.fixed)).toBe(output)
  })

  test.each([
    ['auto', 'foo\r\nbar\r\nbaz\r\n'],
    ['auto', 'foo\rbar\rbaz\r'],
    ['auto', 'foo\nbar\nbaz\n'],
    ['auto', 'foo\nbar\nbaz'],
    ['crlf', 'foo\r\nbar\r\nbaz\r\n'],
    ['lf', 'foo\nbar\nbaz\n'],
  ] as const)('--fix=%s leaves %j alone', (fix, input) => {
    expect(mixedLineEnding(bin('f.txt', input), fix)).toEqual({ problems: [] })
  })

  test('--fix=no reports without fixing; --fix=crlf/lf convert files that are not mixed', () => {
    expect(mixedLineEnding(bin('f.txt', 'a\r\nb\n'), 'no')).toEqual({
      problems: [{ path: 'f.txt', message: 'f.txt: mixed line endings' }],
    })
    expect(text(mixedLineEnding(bin('f.txt', 'a\nb\n'), 'crlf').fixed)).toBe('a\r\nb\r\n')
    expect(text(mixedLineEnding(bin('f.txt', 'a\r\nb\r\n'), 'lf').fixed)).toBe('a\nb\n')
  })

  test('args: -f/--fix with choices', () => {
    expect(parseMixedLineEndingArgs([])).toBe('auto')
    expect(parseMixedLineEndingArgs(['--fix=lf'])).toBe('lf')
    expect(parseMixedLineEndingArgs(['-f', 'crlf'])).toBe('crlf')
    expect(parseMixedLineEndingArgs(['--fi=no'])).toBe('no')
    expect(userErrorFrom(() => parseMixedLineEndingArgs(['--fix=unix'])).message).toContain("invalid choice: 'unix'")
  })
})

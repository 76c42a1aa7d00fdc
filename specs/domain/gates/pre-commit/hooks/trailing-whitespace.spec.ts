import { describe, expect, test } from 'vitest'
import {
  parseTrailingWhitespaceArgs,
  trailingWhitespace,
  trailingWhitespaceHook,
} from '../../../../../src/domain/gates/pre-commit/hooks/trailing-whitespace.ts'
import { userErrorFrom } from '../../../../support/user-error.ts'
import { bin, text } from './_file.ts'

const run = (path: string, input: string, args: string[] = []) =>
  trailingWhitespace(bin(path, input), parseTrailingWhitespaceArgs(args))

describe('trailingWhitespace()', () => {
  test.each([
    ['foo \nbar \t\n', 'foo\nbar\n'],
    ['foo  \r\nbar\t\r\n', 'foo\r\nbar\r\n'],
    ['no newline   ', 'no newline'],
    ['a\x0b\x0c\n', 'a\n'],
    ['\xa0 \n', '\xa0\n'],
  ])('%j → %j (each line keeps its ending; ASCII whitespace only)', (input, output) => {
    expect(text(run('x.txt', input).fixed)).toBe(output)
  })

  test('untouched files pass; empty files pass', () => {
    expect(run('x.txt', 'clean\r\nlines\n')).toEqual({ problems: [] })
    expect(run('x.txt', '')).toEqual({ problems: [] })
  })

  test('Markdown keeps two-space line breaks for the given extensions, not on blank lines', () => {
    const input = 'a  \nb   \n   \nc \n'
    expect(text(run('doc.md', input, ['--markdown-linebreak-ext=md']).fixed)).toBe('a  \nb  \n\nc\n')
    expect(text(run('doc.MD', input, ['--markdown-linebreak-ext', 'txt,.md']).fixed)).toBe('a  \nb  \n\nc\n')
    expect(text(run('doc.txt', input, ['--markdown-linebreak-ext=*']).fixed)).toBe('a  \nb  \n\nc\n')
    expect(text(run('doc.md', input).fixed)).toBe('a\nb\n\nc\n')
  })

  test('--chars strips only those bytes', () => {
    expect(text(run('x.txt', 'a *\nb \t*\n', ['--chars', '* ']).fixed)).toBe('a\nb \t\n')
  })

  test('bad --markdown-linebreak-ext values are UserErrors as upstream parser.error', () => {
    expect(userErrorFrom(() => parseTrailingWhitespaceArgs(['--markdown-linebreak-ext='])).message).toContain(
      'requires a non-empty argument',
    )
    expect(userErrorFrom(() => parseTrailingWhitespaceArgs(['--markdown-linebreak-ext=README.md'])).message).toContain(
      "bad --markdown-linebreak-ext extension '.readme.md' (has . / \\ :)",
    )
    expect(userErrorFrom(() => parseTrailingWhitespaceArgs(['--bogus'])).message).toContain(
      'unrecognized arguments: --bogus',
    )
  })

  test('the hook reports "Fixing {file}" per fixed file', () => {
    const outcome = trailingWhitespaceHook.run([bin('a.py', 'x = 1 \n'), bin('b.py', 'ok\n')], [], {})
    expect(outcome.problems).toEqual([{ path: 'a.py', message: 'Fixing a.py' }])
    expect([...outcome.fixes.keys()]).toEqual(['a.py'])
  })
})

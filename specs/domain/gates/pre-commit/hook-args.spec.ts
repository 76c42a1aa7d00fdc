import { describe, expect, test } from 'vitest'
import { type OptionSpec, parseHookArgs } from '../../../../src/domain/gates/pre-commit/hook-args.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const SPECS: OptionSpec[] = [
  { dest: 'fix', names: ['-f', '--fix'], action: 'value', choices: ['auto', 'no'] },
  { dest: 'b', names: ['-b', '--branch'], action: 'append' },
  { dest: 'v', names: ['--verbose'], action: 'flag' },
  { dest: 'vv', names: ['--very'], action: 'flag' },
]

describe('parseHookArgs()', () => {
  test('argparse forms: =, separate value, attached short value, append, prefixes, --', () => {
    expect(
      parseHookArgs('h', ['--fix=no', '-bmain', '--branch', 'dev', '--verb', 'file.py', '--', '--x'], SPECS),
    ).toEqual({
      values: { fix: 'no', b: ['main', 'dev'], v: true },
      positionals: ['file.py', '--x'],
    })
  })

  test.each([
    [['--nope'], 'hook h: unrecognized arguments: --nope'],
    [['--ver'], 'hook h: ambiguous option: --ver could match --verbose, --very'],
    [['--fix'], 'hook h: argument -f/--fix: expected one argument'],
    [['--fix=maybe'], "hook h: argument -f/--fix: invalid choice: 'maybe' (choose from 'auto', 'no')"],
    [['--verbose=1'], "hook h: argument --verbose: ignored explicit argument '1'"],
  ])('%j → %s', (args, message) => {
    const error = userErrorFrom(() => parseHookArgs('h', args, SPECS))
    expect(error.message).toBe(message)
    expect(error.hint).toContain('-f, --fix, -b, --branch, --verbose, --very')
  })
})

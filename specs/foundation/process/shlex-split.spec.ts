import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { shlexSplit } from '../../../src/foundation/process/shlex-split.ts'
import { hasPython3, python } from '../../domain/gates/pre-commit/_python.ts'

describe('shlexSplit()', () => {
  test.each([
    ['pytest -q -x tests', ['pytest', '-q', '-x', 'tests']],
    ["python -c 'print(1)'", ['python', '-c', 'print(1)']],
    ['sh -c "echo \\"hi\\" $X"', ['sh', '-c', 'echo "hi" $X']],
    ['a\\ b  c', ['a b', 'c']],
  ])('%j → %j', (s, argv) => {
    expect(shlexSplit(s)).toEqual(argv)
  })
  test('quotes, escapes and a missing closing quote', () => {
    expect(shlexSplit(`a 'b c' "d \\"e\\" \\x \\$ \\\\" f\\ g ''`)).toEqual(['a', 'b c', 'd "e" \\x \\$ \\', 'f g', ''])
    expect(() => shlexSplit('a\\')).toThrow('No escaped character in "a\\\\"')
    expect(() => shlexSplit("a 'b")).toThrow('No closing quotation in "a \'b"')
    expect(() => shlexSplit('a "b')).toThrow('No closing quotation')
  })

  test.skipIf(!hasPython3)('property: splits as Python shlex.split (POSIX) does, or fails where it fails', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ' ', '\t', "'", '"', '\\', '$', '`', '\n', '#'), { maxLength: 14 })
      .map((xs) => xs.join(''))
    const samples = fc.sample(text, { numRuns: 800, seed: 23 })
    const expected = python<(string[] | null)[]>(
      [
        'import json,shlex,sys',
        'def one(s):',
        '  try: return shlex.split(s)',
        '  except ValueError: return None',
        'print(json.dumps([one(s) for s in json.load(sys.stdin)]))',
      ].join('\n'),
      samples,
    )
    const actual = samples.map((s) => {
      try {
        return shlexSplit(s)
      } catch {
        return null
      }
    })
    const differences = samples.flatMap((s, i) =>
      JSON.stringify(actual[i]) === JSON.stringify(expected[i])
        ? []
        : [`${JSON.stringify(s)}: ours ${JSON.stringify(actual[i])}, Python ${JSON.stringify(expected[i])}`],
    )
    expect(differences).toEqual([])
  })
})

import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ShlexSplitError, shlexSplit } from '../../../src/foundation/process/shlex-split.ts'
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

  test.each([
    ['ruff check "src', 'unclosed-quote', 11, 'the " at character 12 is never closed', 'add the closing "'],
    ["a 'b", 'unclosed-quote', 2, "the ' at character 3 is never closed", "add the closing '"],
    [`"a \\" 'b`, 'unclosed-quote', 0, 'the " at character 1 is never closed', 'escape the quote as \\"'],
    ['ruff check \\', 'trailing-backslash', 11, 'backslash (character 12) that escapes nothing', 'double it'],
  ])('%j fails as a ShlexSplitError: %s at %i', (s, problem, position, reason, fix) => {
    let error: unknown
    try {
      shlexSplit(s)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ShlexSplitError)
    const e = error as ShlexSplitError
    expect([e.problem, e.position]).toEqual([problem, position])
    expect(e.reason).toContain(reason)
    expect(e.fix).toContain(fix)
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
      } catch (error) {
        // Where it fails, it says so as a ShlexSplitError pointing at the quote or the final backslash.
        expect(error).toBeInstanceOf(ShlexSplitError)
        const { problem, position } = error as ShlexSplitError
        expect(problem === 'unclosed-quote' ? `'"`.includes(s[position] ?? '') : position === s.length - 1).toBe(true)
        expect(s[position] === '\\' || problem === 'unclosed-quote').toBe(true)
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

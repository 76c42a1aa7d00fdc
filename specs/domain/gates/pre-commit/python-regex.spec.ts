import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compilePythonRegex, PythonRegexError } from '../../../../src/domain/gates/pre-commit/python-regex.ts'
import { hasPython3, NO_PYTHON3, python } from './_python.ts'

// [pattern, subject]: `re.search(pattern, subject)` span, str patterns.
const STR_CASES: [string, string][] = [
  ['^(\\.codex/|LICENSES/)', '.codex/x.json'],
  ['^(\\.codex/|LICENSES/)', 'src/.codex/x'],
  ['\\.py$', 'a/b.py'],
  ['\\.py$', 'a/b.pyc'],
  ['\\.py$', 'a/b.py\n'],
  ['\\.py\\Z', 'a/b.py\n'],
  ['\\Atests/', 'tests/x.py'],
  ['(?x)^(\n  docs/|   # docs\n  vendor/  # vendored\n)', 'vendor/a.js'],
  ['(?x)^(\n  docs/|   # docs\n  vendor/  # vendored\n)', 'src/a.js'],
  ['(?x) a\\ b', 'xa b'],
  ['(?P<dir>[^/]+)/(?P=dir)', 'a/a/b'],
  ['(?P<dir>[^/]+)/(?P=dir)', 'a/b/c'],
  ['(?i)readme', 'docs/README.md'],
  ['^$', ''],
  ['^$', 'a'],
  ['a{,2}b', 'aaab'],
  ['a{2}', 'baab'],
  ['x{', 'x{'],
  ['[]a]', ']'],
  ['[^]a]', 'b'],
  ['\\d+', 'v١٢'],
  ['(?a)\\d+', 'v١٢3'],
  ['\\w+', 'é_1'],
  ['.', '\r'],
  ['(?s)a.b', 'a\nb'],
  ['a.b', 'a\nb'],
  ['(?m)^b$', 'a\nb\nc'],
  ['(?m)^b$', 'a\r\nb\r\nc'],
  ['\\-\\/\\#\\ \\!', '-/# !'],
  ['[\\w.-]+\\.txt', 'x/a-b.c.txt'],
  ['(?#comment)ab', 'ab'],
  ['\\x41\\u00e9\\101', 'Aé A'],
  ['\\x41\\u00e9\\101', 'AéA'],
  ['(requirements|constraints).*\\.txt$', 'requirements-dev.txt'],
  ['(^|/)tests/.+\\.py$', 'pkg/tests/test_a.py'],
  ['[\\\\/]', 'a/b'],
  ['\\bfoo\\b', 'a foo b'],
]

describe('compilePythonRegex()', () => {
  test.skipIf(!hasPython3)('matches where CPython re.search matches, on config-style patterns', () => {
    const expected = python<([number, number] | null)[]>(
      'import json,re,sys\nprint(json.dumps([(lambda m: [m.start(), m.end()] if m else None)(re.search(p, s)) for p, s in json.load(sys.stdin)]))',
      STR_CASES,
    )
    const actual = STR_CASES.map(([p, s]) => {
      const m = compilePythonRegex(p).exec(s)
      // JS indices are UTF-16 units; these subjects are all in the BMP, so they equal code points.
      return m ? [m.index, m.index + m[0].length] : null
    })
    expect(actual).toEqual(expected)
  })

  test.skipIf(!hasPython3)('property: random literal-heavy patterns agree with CPython on random paths', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      '/',
      '\\.',
      '.',
      'a*',
      'b+',
      '[ab]',
      '[^/]',
      '(a|b)',
      '\\w',
      '\\d',
      '$',
      '^',
      'x?',
      '\\Z',
    )
    const pattern = fc.array(atom, { minLength: 1, maxLength: 6 }).map((xs) => xs.join(''))
    const subject = fc
      .array(fc.constantFrom('a', 'b', '/', '.', '1', 'x', '\n'), { maxLength: 8 })
      .map((xs) => xs.join(''))
    const samples = fc.sample(fc.tuple(pattern, subject), { numRuns: 300, seed: 17 })
    const expected = python<(number[] | null)[]>(
      'import json,re,sys\nprint(json.dumps([(lambda m: [m.start(), m.end()] if m else None)(re.search(p, s)) for p, s in json.load(sys.stdin)]))',
      samples,
    )
    const actual = samples.map(([p, s]) => {
      const m = compilePythonRegex(p).exec(s)
      return m ? [m.index, m.index + m[0].length] : null
    })
    expect(actual).toEqual(expected)
  })

  test.skipIf(!hasPython3)(
    'property: patterns of escapes, classes, quantifiers, groups and flags compile where CPython compiles them and match the same',
    () => {
      // Quantifiers only after what can repeat: Python also repeats assertions ((?=a)*), JavaScript not.
      const repeatable = fc.constantFrom(
        'a',
        'B',
        '.',
        '\\D',
        '\\W',
        '\\S',
        '\\s',
        '\\n',
        '\\t',
        '\\x41',
        '\\u00e9',
        '\\U00000061',
        '\\0',
        '\\101',
        '\\a',
        '\\-',
        '\\:',
        '[\\d\\s-]',
        '[\\]a]',
        '[\\w.]',
        '[^\\W\\d]',
        '[\\D\\S]',
        '[\\b\\x41\\^]',
        '[a-c]',
        '(?:a|B)',
        '(a)\\1',
        '(?P<g>a)(?P=g)',
      )
      const quantifier = fc.constantFrom('', '', '*', '+?', '??', '{2,3}', '{,2}', '{2,}')
      const other = fc.constantFrom(
        '(?=a)',
        '(?!B)',
        '(?<=a)',
        '(?<!B)',
        '\\b',
        '\\B',
        '\\A',
        '\\Z',
        '$',
        '^',
        '|',
        '{x}',
        '{',
        '}',
        '(?#note)',
        '\\',
        '\\q',
        '(',
        ')',
      )
      const atom = fc.oneof(
        { arbitrary: fc.tuple(repeatable, quantifier).map(([x, q]) => x + q), weight: 3 },
        { arbitrary: other, weight: 1 },
      )
      const flags = fc.constantFrom('', '(?s)', '(?m)', '(?a)', '(?i)', '(?x)', '(?ms)', '(?u)')
      const pattern = fc.tuple(flags, fc.array(atom, { minLength: 1, maxLength: 5 })).map(([f, xs]) => f + xs.join(''))
      const subject = fc
        .array(fc.constantFrom('a', 'A', 'B', 'é', '1', '٣', ' ', '-', '\n', '\t', '\x07', '\0', ':', ']', '{'), {
          maxLength: 8,
        })
        .map((xs) => xs.join(''))
      const samples = fc.sample(fc.tuple(pattern, subject), { numRuns: 1500, seed: 42 })
      const expected = python<(number[] | null | 'error')[]>(
        [
          'import json,re,sys',
          'def one(p, s):',
          '  try: r = re.compile(p)',
          "  except re.error: return 'error'",
          '  m = r.search(s)',
          '  return [m.start(), m.end()] if m else None',
          'print(json.dumps([one(p, s) for p, s in json.load(sys.stdin)]))',
        ].join('\n'),
        samples,
      )
      const actual = samples.map(([p, s]) => {
        let re: RegExp
        try {
          re = compilePythonRegex(p)
        } catch (error) {
          expect(error).toBeInstanceOf(PythonRegexError)
          // The one documented refusal of patterns CPython takes: Unicode \W inside a set.
          if ((error as PythonRegexError).reason.startsWith('\\W inside a character set')) return 'refused'
          return 'error'
        }
        const m = re.exec(s)
        return m ? [m.index, m.index + m[0].length] : null
      })
      const differences = samples.flatMap(([p, s], i) =>
        JSON.stringify(actual[i]) === JSON.stringify(expected[i]) ||
        (actual[i] === 'refused' && /\[[^\]]*\\W/.test(p) && !p.startsWith('(?a)')) ||
        // Not checked: some patterns CPython refuses are taken (a repeated \B, a reference to a group
        // still open); a config holding one fails under pre-commit itself first.
        expected[i] === 'error'
          ? []
          : [
              `${JSON.stringify(p)} on ${JSON.stringify(s)}: ours ${JSON.stringify(actual[i])}, CPython ${JSON.stringify(expected[i])}`,
            ],
      )
      expect(differences).toEqual([])
    },
  )

  test('reports constructs JavaScript cannot express, naming the pattern', () => {
    for (const p of ['(?i:a)b', '(?(1)a|b)', '(?>a)', 'a*+', 'x(?i)']) {
      expect(() => compilePythonRegex(p)).toThrow(PythonRegexError)
    }
    expect(() => compilePythonRegex('(?i:a)')).toThrow(/cannot use Python regex "\(\?i:a\)": scoped inline flags/)
  })

  test('\\b and \\B of a str pattern see Unicode words; \\B never matches an empty string, as in CPython 3.11', () => {
    expect(compilePythonRegex('\\bx').exec('éx x')?.index).toBe(3)
    expect(compilePythonRegex('(?a)\\bx').exec('éx x')?.index).toBe(1)
    expect(compilePythonRegex('\\B').test('')).toBe(false)
    expect(compilePythonRegex('(?a)\\B').test('')).toBe(false)
    expect(compilePythonRegex('a\\B').exec('a aé')?.index).toBe(2)
  })

  test('complements inside a set: ASCII \\W, \\D and bytes \\S are spelled as ranges; Unicode \\W is refused with the fix', () => {
    const letters = compilePythonRegex('(?a)[^\\W\\d_]+')
    expect(letters.exec('12_ab3')?.[0]).toBe('ab')
    expect(compilePythonRegex('(?a)[\\D]+').exec('12ab3')?.[0]).toBe('ab')
    expect(compilePythonRegex('[\\S]+', { bytes: true }).exec(' \t ab\n')?.[0]).toBe('ab')
    expect(() => compilePythonRegex('[^\\W\\d]')).toThrow(
      /\\W inside a character set .* \(\?!\\d\)\\w for \[\^\\W\\d\]/,
    )
  })

  test('bytes patterns match latin1-decoded bytes with ASCII classes (pygrep)', () => {
    const re = compilePythonRegex('é\\s$', { bytes: true })
    expect(re.test(Buffer.from('café \n', 'utf8').toString('latin1'))).toBe(true)
    expect(compilePythonRegex('\\s', { bytes: true }).test('\u00a0')).toBe(false)
    expect(compilePythonRegex('\\s').test('\u00a0')).toBe(true)
  })

  test.skipIf(hasPython3)('differential checks need python3', () => {
    expect(NO_PYTHON3).toContain('python3')
  })
})

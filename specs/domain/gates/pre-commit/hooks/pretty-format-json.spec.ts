import { describe, expect, test } from 'vitest'
import {
  parsePrettyJsonArgs,
  prettyFormatJson,
  prettyFormatJsonHook,
  prettyFormatJsonText,
} from '../../../../../src/domain/gates/pre-commit/hooks/pretty-format-json.ts'
import { hasPython3, python } from '../_python.ts'
import { bin, text } from './_file.ts'

const DOC = '{"b": {"y": 1, "x": [1.0, 2e20]}, "a": "caf\u00e9 \ud83d\ude00", "alist": [], "z": null}'
const ARGS = [
  [],
  ['--no-sort-keys'],
  ['--indent', '4'],
  ['--indent', '\t'],
  ['--no-ensure-ascii'],
  ['--top-keys=z,b'],
  ['--top-keys', 'alist', '--no-sort-keys'],
]

describe('prettyFormatJsonText()', () => {
  test.skipIf(!hasPython3)("produces upstream's _get_pretty_format output for each option", () => {
    const expected = python<string[]>(
      [
        'import json,sys',
        'd=json.load(sys.stdin)',
        'def fmt(contents, indent, ensure_ascii, sort_keys, top_keys):',
        '  def pairs_first(pairs):',
        '    before=sorted([p for p in pairs if p[0] in top_keys], key=lambda x: top_keys.index(x[0]))',
        '    after=[p for p in pairs if p[0] not in top_keys]',
        '    if sort_keys: after.sort()',
        '    return dict(before+after)',
        "  return json.dumps(json.loads(contents, object_pairs_hook=pairs_first), indent=indent, ensure_ascii=ensure_ascii) + '\\n'",
        "print(json.dumps([fmt(d['doc'], **o) for o in d['opts']]))",
      ].join('\n'),
      {
        doc: DOC,
        opts: ARGS.map((a) => {
          const o = parsePrettyJsonArgs(a)
          return { indent: o.indent, ensure_ascii: o.ensureAscii, sort_keys: o.sortKeys, top_keys: o.topKeys }
        }),
      },
    )
    expect(ARGS.map((a) => prettyFormatJsonText(DOC, parsePrettyJsonArgs(a)))).toEqual(expected)
  })
})

describe('prettyFormatJson()', () => {
  const options = parsePrettyJsonArgs([])
  test('pretty files pass; others fail, fixed only with --autofix', () => {
    expect(prettyFormatJson(bin('p.json', '{\n  "a": 1\n}\n'), options)).toEqual({ problems: [] })
    const ugly = bin('u.json', '{"b": 1, "a": 2}')
    expect(prettyFormatJson(ugly, options).fixed).toBeUndefined()
    expect(prettyFormatJson(ugly, options).problems[0]?.line).toBe(1)
    const fixed = prettyFormatJson(ugly, parsePrettyJsonArgs(['--autofix']))
    expect(fixed.problems[0]?.message).toBe('Fixing file u.json')
    expect(text(fixed.fixed)).toBe('{\n  "a": 2,\n  "b": 1\n}\n')
  })

  test('invalid JSON and a BOM (read as UTF-8, not utf-8-sig) point to check-json', () => {
    expect(prettyFormatJson(bin('x.json', '{'), options).problems[0]?.message).toBe(
      'Input File x.json is not a valid JSON, consider using check-json',
    )
    expect(prettyFormatJson(bin('x.json', '\xef\xbb\xbf{}\n'), options).problems[0]?.message).toContain(
      'not a valid JSON',
    )
  })
})

describe('prettyFormatJsonText() on repeated keys', () => {
  const DUPLICATES = [
    '{"a": 2, "a": 1}',
    '{"k": "y", "k": "x", "j": 0}',
    '{"k": 1.5, "k": 1, "k": 1.25}',
    '{"k": [2], "k": [1]}',
  ]

  test.skipIf(!hasPython3)(
    "sorts equal keys by their values as Python's tuple sort does, so the last one left wins like upstream's",
    () => {
      const expected = python<string[]>(
        [
          'import json,sys',
          "print(json.dumps([json.dumps(json.loads(d, object_pairs_hook=lambda p: dict(sorted(p, key=lambda x: x[0]) if any(isinstance(v, (list, dict)) for _, v in p) else sorted(p))), indent=2) + '\\n' for d in json.load(sys.stdin)]))",
        ].join('\n'),
        DUPLICATES,
      )
      expect(DUPLICATES.map((d) => prettyFormatJsonText(d, parsePrettyJsonArgs([])))).toEqual(expected)
    },
  )

  test('spelled out: the larger number or string stays', () => {
    expect(prettyFormatJsonText('{"a": 2, "a": 1}', parsePrettyJsonArgs([]))).toBe('{\n  "a": 2\n}\n')
    expect(prettyFormatJsonText('{"k": "y", "k": "x"}', parsePrettyJsonArgs([]))).toBe('{\n  "k": "y"\n}\n')
  })
})

describe('prettyFormatJson() problems', () => {
  const options = parsePrettyJsonArgs([])

  test('a file that is not UTF-8 says so, as Python decoding it would', () => {
    const [problem] = prettyFormatJson(bin('latin.json', '{"a": "caf\xe9"}\n'), options).problems
    expect(problem?.message).toBe(
      "latin.json: 'utf-8' codec can't decode byte 0xe9 in position 10: invalid continuation byte",
    )
  })

  test('names the first line that differs and the line expected there', () => {
    const [problem] = prettyFormatJson(bin('d.json', '{\n  "a": 1,\n    "b": 2\n}\n'), options).problems
    expect(problem).toEqual({
      path: 'd.json',
      line: 3,
      message:
        'd.json: not pretty-formatted JSON from line 3 (expected "  \\"b\\": 2"); run pretty-format-json with --autofix',
    })
    // Only the final newline missing: the line expected is the empty one after it.
    expect(prettyFormatJson(bin('n.json', '{}'), options).problems[0]?.message).toBe(
      'n.json: not pretty-formatted JSON from line 2 (expected ""); run pretty-format-json with --autofix',
    )
  })
})

describe('prettyFormatJsonHook', () => {
  test('runs over every file: fails when any is not pretty, with the fixes under --autofix', () => {
    const files = [bin('ok.json', '{}\n'), bin('bad.json', '{"b":1,"a":2}')]
    const outcome = prettyFormatJsonHook.run(files, ['--autofix'], {})
    expect(outcome.failed).toBe(true)
    expect(outcome.problems).toEqual([{ path: 'bad.json', message: 'Fixing file bad.json' }])
    expect(text(outcome.fixes.get('bad.json'))).toBe('{\n  "a": 2,\n  "b": 1\n}\n')
    expect(prettyFormatJsonHook.run([files[0] as (typeof files)[0]], [], {}).failed).toBe(false)
  })

  test('an --indent too large for an integer is a usage error naming the flag', () => {
    expect(() => prettyFormatJsonHook.run([], ['--indent', '9'.repeat(20)], {})).toThrow(
      'hook pretty-format-json: --indent is out of range',
    )
  })
})

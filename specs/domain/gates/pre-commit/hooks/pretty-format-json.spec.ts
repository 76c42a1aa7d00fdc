import { describe, expect, test } from 'vitest'
import {
  parsePrettyJsonArgs,
  prettyFormatJson,
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

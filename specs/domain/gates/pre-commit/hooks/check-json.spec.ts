import { describe, expect, test } from 'vitest'
import { checkJson, checkJsonHook } from '../../../../../src/domain/gates/pre-commit/hooks/check-json.ts'
import { hasPython3, python } from '../_python.ts'
import { bin } from './_file.ts'

const CASES = [
  '{"a": 1}\n',
  '{"a": 1, "a": 2}',
  '{"x": {"k": [], "k": {}}}',
  '{"a": 1,}',
  '\xef\xbb\xbf{"bom": true}',
  '[NaN]',
  '',
  '{"a": "\xff"}',
  '[1] [2]',
]

describe('checkJson()', () => {
  test.skipIf(!hasPython3)(
    'matches upstream check-json (json.load on bytes, duplicate keys refused) message for message',
    () => {
      const expected = python<(string | null)[]>(
        [
          'import json,sys',
          'def hook(pairs):',
          '  d={}',
          '  for k,v in pairs:',
          '    if k in d: raise ValueError(f"Duplicate key: {k}")',
          '    d[k]=v',
          '  return d',
          'out=[]',
          'for s in json.load(sys.stdin):',
          '  try:',
          "    json.loads(s.encode('latin1'), object_pairs_hook=hook); out.append(None)",
          '  except ValueError as e:',
          "    out.append(f'f.json: Failed to json decode ({e})')",
          'print(json.dumps(out))',
        ].join('\n'),
        CASES,
      )
      expect(CASES.map((c) => checkJson(bin('f.json', c)).problems[0]?.message ?? null)).toEqual(expected)
    },
  )

  test('the problem carries the line Python names', () => {
    expect(checkJson(bin('a.json', '{\n  "a": 1\n  "b": 2\n}')).problems).toEqual([
      {
        path: 'a.json',
        line: 3,
        message: "a.json: Failed to json decode (Expecting ',' delimiter: line 3 column 3 (char 13))",
      },
    ])
    expect(checkJsonHook.run([bin('ok.json', '{}'), bin('bad.json', '{')], [], {}).failed).toBe(true)
  })
})

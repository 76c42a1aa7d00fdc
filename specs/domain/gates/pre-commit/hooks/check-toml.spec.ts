import { describe, expect, test } from 'vitest'
import { checkToml } from '../../../../../src/domain/gates/pre-commit/hooks/check-toml.ts'
import { hasPython3, python } from '../_python.ts'
import { bin } from './_file.ts'

const CASES = [
  '[tool.ruff]\nline-length = 120\n',
  'a = 1\na = 2\n',
  'a = \n',
  '[x]\nb = 1\n[x]\n',
  'a = "\\q"\n',
  'd = 1979-05-27T07:32:00Z\n',
  'a = 1 b = 2\n',
  '\xef\xbb\xbfa = 1\n',
  'arr = [1, "mixed"]\n',
  'inline = { a = 1, }\n',
  "s = '''\nmulti\n'''\n",
]

describe('checkToml()', () => {
  test.skipIf(!hasPython3)('agrees with tomllib on valid/invalid and the error line', () => {
    const expected = python<(number | null)[]>(
      "import json,re,sys,tomllib\nout=[]\nfor s in json.load(sys.stdin):\n  try:\n    tomllib.loads(s.encode('latin1').decode()); out.append(None)\n  except tomllib.TOMLDecodeError as e:\n    out.append(int(re.search(r'line (\\d+)', str(e)).group(1)))\nprint(json.dumps(out))",
      CASES,
    )
    const actual = CASES.map((c) => {
      const [p] = checkToml(bin('p.toml', c)).problems
      return p ? (p.line ?? 1) : null
    })
    expect(actual).toEqual(expected)
  })

  test('message: {file}: {reason} (at line L, column C)', () => {
    expect(checkToml(bin('p.toml', 'a = 1\na = 2\n')).problems[0]?.message).toMatch(
      /^p\.toml: .+ \(at line 2, column 1\)$/,
    )
  })
})

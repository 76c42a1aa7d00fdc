import { describe, expect, test } from 'vitest'
import { checkYaml, parseCheckYamlArgs } from '../../../../../src/domain/gates/pre-commit/hooks/check-yaml.ts'
import { bin } from './_file.ts'

const safe = { multi: false, unsafe: false }

describe('checkYaml()', () => {
  test('valid YAML passes, a BOM and an empty file too', () => {
    expect(checkYaml(bin('a.yaml', 'a: 1\nb: [1, 2]\n'), safe)).toEqual({ problems: [] })
    expect(checkYaml(bin('a.yaml', '\xef\xbb\xbfa: 1\n'), safe)).toEqual({ problems: [] })
    expect(checkYaml(bin('a.yaml', ''), safe)).toEqual({ problems: [] })
  })

  test('syntax errors fail with ruamel-style location', () => {
    const [p] = checkYaml(bin('a.yaml', 'key: value\n  bad: x\n'), safe).problems
    expect(p?.line).toBe(1)
    expect(p?.message).toMatch(/\n {2}in "a\.yaml", line 1, column \d+$/)
  })

  test('duplicate keys and unknown tags fail safe loading; --unsafe only parses', () => {
    expect(checkYaml(bin('a.yaml', 'a: 1\na: 2\n'), safe).problems[0]?.line).toBe(2)
    expect(checkYaml(bin('a.yaml', 'a: !!python/name:os.system\n'), safe).problems[0]?.message).toMatch(
      /^could not determine a constructor for the tag 'tag:yaml.org,2002:python\/name:os.system'\n {2}in "a.yaml", line 1, column 4$/,
    )
    expect(checkYaml(bin('a.yaml', 'a: !Ref x\na: 2\n'), { multi: false, unsafe: true })).toEqual({ problems: [] })
    expect(checkYaml(bin('a.yaml', 'a: *nope\n'), safe).problems).toHaveLength(1)
  })

  test('a second document fails unless --allow-multiple-documents (or --unsafe)', () => {
    const two = bin('a.yaml', 'a: 1\n---\nb: 2\n')
    expect(checkYaml(two, safe).problems[0]?.message).toBe(
      'expected a single document in the stream\n  in "a.yaml", line 1, column 1\nbut found another document\n  in "a.yaml", line 2, column 1',
    )
    expect(checkYaml(two, parseCheckYamlArgs(['--allow-multiple-documents']))).toEqual({ problems: [] })
    expect(checkYaml(two, parseCheckYamlArgs(['-m']))).toEqual({ problems: [] })
    expect(checkYaml(two, parseCheckYamlArgs(['--unsafe']))).toEqual({ problems: [] })
  })

  test('non-UTF-8 bytes fail with the codec message', () => {
    expect(checkYaml(bin('a.yaml', 'a: \xff\n'), safe).problems[0]?.message).toBe(
      "'utf-8' codec can't decode byte 0xff in position 3: invalid start byte",
    )
  })
})

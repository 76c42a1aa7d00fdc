import { describe, expect, test } from 'vitest'
import { compilePattern, isRegexPattern, selectInputs } from '../../../../src/domain/gates/command/select-inputs.ts'
import { tagsFromFilename } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const PATHS = [
  'src/model.py',
  'src/data/load.py',
  'tests/test_model.py',
  'configs/train.yaml',
  'README.md',
  'notebooks/a.ipynb',
]
const tagsOf = (p: string) => new Set(['file', 'text', ...tagsFromFilename(p)])

describe('selectInputs()', () => {
  test('globs and regexes in files/exclude; types are identify tags, all required', () => {
    const pick = (files: string[], exclude: string[] = [], types: string[] = []) =>
      selectInputs(PATHS, { files, exclude, types }, tagsOf, 'gates.x')
    expect(pick([])).toEqual(PATHS)
    expect(pick(['src/**'])).toEqual(['src/model.py', 'src/data/load.py'])
    expect(pick(['*.py'], ['tests/**'])).toEqual(['src/model.py', 'src/data/load.py'])
    expect(pick(['^src/.*\\.py$'])).toEqual(['src/model.py', 'src/data/load.py'])
    expect(pick(['\\.ipynb$'])).toEqual(['notebooks/a.ipynb'])
    expect(pick([], [], ['python'])).toEqual(['src/model.py', 'src/data/load.py', 'tests/test_model.py'])
    expect(pick([], [], ['yaml', 'text'])).toEqual(['configs/train.yaml'])
    expect(pick([], ['^tests/'], ['python'])).toEqual(['src/model.py', 'src/data/load.py'])
  })

  test('a pattern is a regex when anchored or escaped, else a glob; a bad regex names the field', () => {
    expect([
      isRegexPattern('^src/'),
      isRegexPattern('\\.py$'),
      isRegexPattern('a\\b'),
      isRegexPattern('src/**/*.py'),
    ]).toEqual([true, true, true, false])
    expect(compilePattern('(?x) ^src/ # verbose python regex', 'w').test('src/a')).toBe(true)
    const error = userErrorFrom(() => compilePattern('^src/(', 'gates.mypy.files'))
    expect(error.message).toMatch(/^gates\.mypy\.files: "\^src\/\(" is not a valid regex/)
    expect(error.hint).toContain('glob')
  })
})

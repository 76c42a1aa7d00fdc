import fc from 'fast-check'
import { stringify } from 'smol-toml'
import { describe, expect, test } from 'vitest'
import { isTable, parseTomlFile, tomlPath, tryParseToml } from '../../../src/foundation/config/parse-toml-file.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'

describe('tryParseToml()', () => {
  test('returns plain tables: ordinary prototypes, `__proto__` kept as an own key', () => {
    const parsed = tryParseToml('[tool.ruff]\nline-length = 100\n["__proto__"]\nx = 1\n')
    expect('table' in parsed && parsed.table).toEqual({
      tool: { ruff: { 'line-length': 100 } },
      ['__proto__']: { x: 1 },
    })
    if (!('table' in parsed)) throw new Error('expected a table')
    expect(Object.getPrototypeOf(parsed.table)).toBe(Object.prototype)
    expect(Object.hasOwn(parsed.table, '__proto__')).toBe(true)
  })

  test('a syntax error is data: 1-based line, column, the reason without smol-toml’s prefix or code frame', () => {
    expect(tryParseToml('a = 1\nb = \n')).toEqual({
      error: { line: 2, column: 5, reason: 'incomplete key-value declaration: no value specified' },
    })
    expect(tryParseToml('[[package]\nname = "x"')).toMatchObject({ error: { line: 2 } })
  })

  test('parses back whatever smol-toml writes (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/)
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean())
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(scalar, fc.dictionary(key, scalar))), (doc) => {
        expect(tryParseToml(stringify(doc))).toEqual({ table: doc })
      }),
    )
  })
})

describe('parseTomlFile()', () => {
  test('throws a UserError naming the file, line and column, with the caller’s code', () => {
    let thrown: unknown
    try {
      parseTomlFile('a = 1\nb = \n', 'ruff.toml', 'PYTHON_LINT_CONFIG')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(UserError)
    expect(thrown).toMatchObject({
      code: 'PYTHON_LINT_CONFIG',
      message: 'ruff.toml:2:5 is not valid TOML: incomplete key-value declaration: no value specified',
    })
  })
})

describe('tomlPath()', () => {
  test('walks tables only; a scalar, an array or a missing key on the way is undefined', () => {
    const table = parseTomlFile('[tool.pyright]\ninclude = ["src"]\n[tool.x]\ny = 1\n', 'pyproject.toml')
    expect(tomlPath(table, 'tool', 'pyright', 'include')).toEqual(['src'])
    expect(tomlPath(table, 'tool', 'x', 'y', 'z')).toBeUndefined()
    expect(tomlPath(table, 'tool', 'pyright', 'include', '0')).toBeUndefined()
    expect(tomlPath(table, 'tool', 'toString')).toBeUndefined()
    expect(isTable(new Date())).toBe(false)
  })
})

import fc from 'fast-check'
import { parse, stringify } from 'smol-toml'
import { describe, expect, test } from 'vitest'
import { type TomlPath, tomlPositions } from '../../../../src/domain/gates/python-deps/toml-positions.ts'

const DOC = `# comment with [brackets] and "quotes"
title = "x" # trailing
[project]
name = 'demo'
dependencies = [
  "torch>=2", # gpu
  'numpy',
  """multi
[not.a.table]
line""",
]
"quoted.key" = 1
dotted . key = { a = 1, b = [ {c = 2} ] }

[project.optional-dependencies]
gpu = ["flash-attn"]

[[package]]
name = "a"
[package.metadata]
requires-dist = [{ name = "b" }]

[[package]]
name = "b"
[[package.wheels]]
url = "w1"
[[package.wheels]]
url = "w2"
when = 1979-05-27 07:32:00Z
s = '''it's
'''
t = """ends with quotes"""""
after = true
`

describe('tomlPositions()', () => {
  const positions = tomlPositions(DOC)
  test.each<[TomlPath, number]>([
    [['title'], 2],
    [['project'], 3],
    [['project', 'name'], 4],
    [['project', 'dependencies'], 5],
    [['project', 'dependencies', 0], 6],
    [['project', 'dependencies', 1], 7],
    [['project', 'dependencies', 2], 8],
    [['project', 'quoted.key'], 12],
    [['project', 'dotted', 'key', 'a'], 13],
    [['project', 'dotted', 'key', 'b', 0, 'c'], 13],
    [['project', 'optional-dependencies', 'gpu', 0], 16],
    [['package', 0, 'name'], 19],
    [['package', 0, 'metadata', 'requires-dist', 0, 'name'], 21],
    [['package', 1], 23],
    [['package', 1, 'name'], 24],
    [['package', 1, 'wheels', 1, 'url'], 28],
    [['package', 1, 'wheels', 1, 'when'], 29],
    [['package', 1, 'wheels', 1, 'after'], 33],
  ])('%j is on line %i', (path, line) => {
    expect(positions.line(path)).toBe(line)
  })

  test('maxDepth keeps only short paths (what a large lock file needs)', () => {
    const shallow = tomlPositions(DOC, { maxDepth: 3 })
    expect(shallow.line(['package', 1, 'name'])).toBe(24)
    expect(shallow.line(['package', 1, 'wheels'])).toBe(25)
    expect(shallow.line(['package', 1, 'wheels', 1, 'url'])).toBeUndefined()
  })

  test('a path that is not in the document has no line', () => {
    expect(positions.line(['not', 'a', 'table'])).toBeUndefined()
    expect(positions.line(['project', 'dependencies', 3])).toBeUndefined()
    expect(positions.line(['package', 2])).toBeUndefined()
  })

  test('finds every key and array element of any document smol-toml writes, on a line that names it', () => {
    const key = fc.oneof(
      fc.constantFrom('a', 'b-c', 'd_e', '1', 'x.y', 'with space', '"q"', "it's", 'é'),
      fc.string({ minLength: 1, maxLength: 6 }),
    )
    const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant('line\n[fake]\nx = 1'))
    const doc = fc.letrec<{ table: Record<string, unknown>; value: unknown }>((tie) => ({
      table: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(leaf, { maxLength: 3 }),
        tie('table'),
        fc.array(tie('table'), { minLength: 1, maxLength: 2 }),
      ),
    })).table
    fc.assert(
      fc.property(doc, (value) => {
        const text = stringify(value)
        expect(parse(text)).toBeDefined()
        const lines = text.split('\n')
        const positions = tomlPositions(text)
        const walk = (node: unknown, path: (string | number)[]) => {
          if (path.length > 0) {
            const line = positions.line(path)
            expect(line, `${JSON.stringify(path)} in\n${text}`).toBeDefined()
            const last = path.at(-1)!
            if (typeof last === 'string' && !/[\\"'\n]/.test(last)) expect(lines[line! - 1]).toContain(last)
          }
          if (Array.isArray(node)) {
            for (const [i, item] of node.entries()) walk(item, [...path, i])
          } else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k])
        }
        walk(value, [])
      }),
      { numRuns: 300 },
    )
  })
})

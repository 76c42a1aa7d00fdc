import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { formatSpecifierSet } from '../../../../src/domain/gates/python-deps/pep440-specifier.ts'
import { formatMarker } from '../../../../src/domain/gates/python-deps/pep508-marker.ts'
import { formatRequirement, parseRequirement } from '../../../../src/domain/gates/python-deps/pep508-requirement.ts'
import { Pep508SyntaxError } from '../../../../src/domain/gates/python-deps/pep508-tokenizer.ts'
import { answerLocally, disagreements, referenceCases } from './_packaging-oracle.ts'
import { requirementText } from './_pep440-arbitraries.ts'

const SEED = Number(process.env.PEP440_SEED ?? Date.now() % 2 ** 31)

describe('parseRequirement()', () => {
  test('name, extras, specifier and marker', () => {
    const r = parseRequirement('Flash_Attn[Gpu, io] >=2.5,<2.7 ; python_version >= "3.10"')
    expect(r.name).toBe('Flash_Attn')
    expect(r.canonical).toBe('flash-attn')
    expect(r.extras).toEqual(['Gpu', 'io'])
    expect(formatSpecifierSet(r.specifier)).toBe('<2.7,>=2.5')
    expect(formatMarker(r.marker!)).toBe('python_version >= "3.10"')
    expect(formatRequirement(r)).toBe('Flash_Attn[Gpu,io]<2.7,>=2.5; python_version >= "3.10"')
  })

  test('a direct reference keeps its URL and takes a marker after whitespace', () => {
    const r = parseRequirement(
      'datatrove[io] @ git+https://github.com/huggingface/datatrove@v0.3 ; sys_platform != "win32"',
    )
    expect(r.url).toBe('git+https://github.com/huggingface/datatrove@v0.3')
    expect(r.specifier.specifiers).toEqual([])
    expect(formatMarker(r.marker!)).toBe('sys_platform != "win32"')
  })

  test('a marker glued to a URL without whitespace is part of the URL, as in packaging', () => {
    const r = parseRequirement('x @ https://a/b;python_version>"3"')
    expect(r.url).toBe('https://a/b;python_version>"3"')
    expect(r.marker).toBeUndefined()
  })

  test('a parenthesised specifier, and a bare name', () => {
    expect(formatSpecifierSet(parseRequirement('torch (>=2.0, <3)').specifier)).toBe('<3,>=2.0')
    expect(parseRequirement('numpy').specifier.specifiers).toEqual([])
  })

  test.each(['', '>=1.0', 'torch >=1.0.*', 'torch ==1.0 junk', 'x @', 'x[a b]', 'torch >=1.0+local'])(
    '%j is rejected',
    (text) => {
      expect(() => parseRequirement(text)).toThrow(Pep508SyntaxError)
    },
  )
})

describe('packaging.requirements agreement', () => {
  test('the committed reference table', () => {
    const cases = referenceCases('requirement')
    expect(cases.length).toBeGreaterThan(50)
    for (const { query, answer } of cases) expect(answerLocally(query), JSON.stringify(query)).toEqual(answer)
  })

  test("random requirements against python3's packaging (PEP440_SEED replays a run)", (ctx) => {
    const queries = fc
      .sample(requirementText, { numRuns: 1500, seed: SEED })
      .map((text) => ({ kind: 'requirement' as const, text }))
    const result = disagreements(queries)
    if ('skip' in result) return ctx.skip(result.skip)
    expect(result.diffs, `packaging ${result.packaging}, PEP440_SEED=${SEED}`).toEqual([])
  })
})

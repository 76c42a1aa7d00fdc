import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  canonicalizeName,
  evaluateMarker,
  evaluateMarkerPartly,
  formatMarker,
  MarkerEvaluationError,
  parseMarker,
} from '../../../../src/domain/gates/python-deps/pep508-marker.ts'
import { Pep508SyntaxError } from '../../../../src/domain/gates/python-deps/pep508-tokenizer.ts'
import { answerLocally, disagreements, referenceCases } from './_packaging-oracle.ts'
import { MARKER_ENV, markerText } from './_pep440-arbitraries.ts'

const SEED = Number(process.env.PEP440_SEED ?? Date.now() % 2 ** 31)
const evaluate = (text: string, env: Record<string, string | string[]> = MARKER_ENV) =>
  evaluateMarker(parseMarker(text), env)

describe('parseMarker()', () => {
  test('prints as packaging: double quotes, dotted names resolved, parentheses kept where they group', () => {
    expect(formatMarker(parseMarker("os.name=='posix' and (python_version<'3.12' or extra=='GPU_x')"))).toBe(
      'os_name == "posix" and (python_version < "3.12" or extra == "GPU_x")',
    )
    expect(formatMarker(parseMarker('(python_implementation == "CPython")'))).toBe(
      'platform_python_implementation == "CPython"',
    )
    expect(formatMarker(parseMarker('extra == "Dev_Tools"'))).toBe('extra == "dev-tools"')
  })

  test.each([
    'python_version',
    'python_version >= ',
    'python_version = "3"',
    'foo == "1"',
    '(os_name == "nt"',
    'os_name not "nt"',
  ])('%j is a syntax error', (text) => {
    expect(() => parseMarker(text)).toThrow(Pep508SyntaxError)
  })
})

describe('evaluateMarker()', () => {
  test.each([
    ['python_version >= "3.10"', true],
    ['python_version < "3.10"', false],
    ['python_full_version == "3.11.*"', true],
    ['"3.8" < python_version', true],
    ['sys_platform == "linux" and platform_machine == "x86_64"', true],
    ['sys_platform == "win32" or os_name == "posix"', true],
    ['sys_platform == "win32" or os_name == "nt" and python_version > "3"', false],
    ['"linux" in sys_platform', true],
    ['platform_machine not in "arm64 aarch64"', true],
    ['extra == "GPU"', true],
    ['os_name < "posix"', false],
  ])('%s → %s', (text, expected) => {
    expect(evaluate(text)).toBe(expected)
  })

  test('fails where packaging raises: ~= on non-versions, a key missing from the environment', () => {
    expect(() => evaluate('os_name ~= "posix"')).toThrow(MarkerEvaluationError)
    expect(() => evaluate('python_version > "3"', { sys_platform: 'linux' })).toThrow(MarkerEvaluationError)
  })
})

describe('evaluateMarker() details packaging has', () => {
  test('a python_full_version ending in + (a dev build) compares as a local version', () => {
    const env = { ...MARKER_ENV, python_full_version: '3.11.4+' }
    expect(evaluate('python_full_version == "3.11.4"', env)).toBe(true)
    expect(evaluate('python_full_version > "3.11.4"', env)).toBe(false)
  })

  test("string literals take Python's escapes: \\x, \\u, \\U, octal, and unknown ones as written", () => {
    expect(formatMarker(parseMarker(String.raw`os_name == "a\u00e9\U0001F600\101\x41\q\n"`))).toBe(
      `os_name == "aé😀AA\\q\n"`,
    )
    expect(evaluate(String.raw`sys_platform == "li\x6eux"`)).toBe(true)
  })

  test('a string whose closing quote is escaped is unterminated, as ast.literal_eval says', () => {
    expect(() => parseMarker(String.raw`os_name == "abc\"`)).toThrow(Pep508SyntaxError)
    expect(() => parseMarker(String.raw`os_name == "abc\"`)).toThrow(/Unterminated string literal/)
  })
})

describe('evaluateMarkerPartly()', () => {
  test('groups in parentheses are decided as a whole, open where their answer is', () => {
    const partly = (text: string) => evaluateMarkerPartly(parseMarker(text), { sys_platform: 'linux' })
    expect(partly('(os_name == "nt" or sys_platform == "linux") and sys_platform != "win32"')).toBe(true)
    expect(partly('(os_name == "nt" or sys_platform == "win32") or sys_platform == "darwin"')).toBeUndefined()
    expect(partly('(sys_platform == "win32") or (sys_platform == "darwin")')).toBe(false)
  })

  test('decides what the known keys decide and leaves the rest open', () => {
    const partly = (text: string) => evaluateMarkerPartly(parseMarker(text), { sys_platform: 'linux' })
    expect(partly('sys_platform == "win32" and python_version < "3.8"')).toBe(false)
    expect(partly('sys_platform == "linux" or python_version < "3.8"')).toBe(true)
    expect(partly('sys_platform == "linux" and python_version < "3.8"')).toBeUndefined()
  })
})

describe('canonicalizeName()', () => {
  test.each([
    ['Flash_Attn', 'flash-attn'],
    ['ruamel.yaml', 'ruamel-yaml'],
    ['A-_.-b', 'a-b'],
    ['torch', 'torch'],
  ])('%s → %s', (name, normal) => {
    expect(canonicalizeName(name)).toBe(normal)
  })
})

describe('packaging.markers agreement', () => {
  test('the committed reference table', () => {
    const cases = referenceCases('marker')
    expect(cases.length).toBeGreaterThan(50)
    for (const { query, answer } of cases) expect(answerLocally(query), JSON.stringify(query)).toEqual(answer)
  })

  test("random markers against python3's packaging (PEP440_SEED replays a run)", (ctx) => {
    const queries = fc
      .sample(markerText, { numRuns: 1500, seed: SEED })
      .map((text) => ({ kind: 'marker' as const, text, env: MARKER_ENV }))
    const result = disagreements(queries)
    if ('skip' in result) return ctx.skip(result.skip)
    expect(result.diffs, `packaging ${result.packaging}, PEP440_SEED=${SEED}`).toEqual([])
  })
})

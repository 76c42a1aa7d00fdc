import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../src/gates/gates-config.ts'
import { parseTscOutput, scanTypecheck, typecheckGate } from '../../src/gates/typecheck.ts'
import { tempRepo } from './_temp-repo.ts'

describe('parseTscOutput()', () => {
  test('located, continued and global diagnostics', () => {
    const output = [
      "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      "src/b.ts(10,1): error TS2345: Argument of type '{}' is not assignable to parameter of type 'X'.",
      "  Property 'y' is missing in type '{}' but required in type 'X'.",
      "error TS5083: Cannot read file '/x/tsconfig.base.json'.",
    ].join('\n')
    expect(parseTscOutput(output, '/repo').map((f) => [f.rule, f.file, f.line, f.message])).toEqual([
      ['TS2322', 'src/a.ts', 3, "Type 'string' is not assignable to type 'number'."],
      [
        'TS2345',
        'src/b.ts',
        10,
        "Argument of type '{}' is not assignable to parameter of type 'X'. Property 'y' is missing in type '{}' but required in type 'X'.",
      ],
      ['TS5083', null, null, "Cannot read file '/x/tsconfig.base.json'."],
    ])
  })
})

describe('scanTypecheck() with the real compiler', () => {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module: 'NodeNext',
      skipLibCheck: true,
      types: [],
    },
  }

  test('a type error becomes a finding with file:line; a clean project has none', async () => {
    const broken = tempRepo({
      'tsconfig.json': tsconfig,
      'src/a.ts': 'export const ok = 1\nexport const n: number = "x"\n',
    })
    const { findings } = await scanTypecheck(broken, [], GATE_DEFAULTS.typecheck)
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual(['src/a.ts:2 TS2322'])
    const clean = tempRepo({ 'tsconfig.json': tsconfig, 'src/a.ts': 'export const n: number = 1\n' })
    expect((await scanTypecheck(clean, [], GATE_DEFAULTS.typecheck)).findings).toEqual([])
  }, 60_000)

  test('a project without tsconfig.json is skipped', () => {
    expect(typecheckGate.skipReason?.(tempRepo({ 'a.js': '' }), [], GATE_DEFAULTS.typecheck)).toBe(
      'no tsconfig.json at the root',
    )
  })
})

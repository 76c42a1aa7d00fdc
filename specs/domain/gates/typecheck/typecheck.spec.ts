import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import {
  parseTscOutput,
  scanTypecheck,
  typecheckGate,
  typecheckInputs,
} from '../../../../src/domain/gates/typecheck/typecheck.ts'
import { tempRepo } from '../_temp-repo.ts'

/** A stand-in compiler: a shell script at `<root>/bin/tsc`, configured by its repo-relative path. */
function fakeCompiler(root: string, body: string) {
  writeFileSync(join(root, 'bin', 'tsc'), `#!/bin/sh\n${body}\n`)
  chmodSync(join(root, 'bin', 'tsc'), 0o755)
  return { ...GATE_DEFAULTS.typecheck, compiler: 'bin/tsc' }
}

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

describe('parseTscOutput() severities and hints', () => {
  test('warnings, located or global, are warn findings; unknown codes get the generic hint', () => {
    const output = ['src/a.ts(1,2): warning TS9999: odd.', 'warning TS8888: global odd.', 'not a diagnostic'].join('\n')
    expect(parseTscOutput(output, '/repo').map((f) => [f.severity, f.file, f.line, f.message])).toEqual([
      ['warn', 'src/a.ts', 1, 'odd.'],
      ['warn', null, null, 'global odd.'],
    ])
    expect(parseTscOutput(output, '/repo')[0]?.remediation).toBe(
      'fix the type error; reproduce with `npx tsc --noEmit -p tsconfig.json`',
    )
  })

  test('known codes carry their own hint', () => {
    const [finding] = parseTscOutput("a.ts(1,1): error TS2307: Cannot find module './b'.", '/repo')
    expect(finding?.remediation).toMatch(/^check the import path \(with its \.ts extension\)/)
  })
})

describe('scanTypecheck() with a stand-in compiler', () => {
  test('a compiler that does not exist is an error naming it and the setting', async () => {
    const root = tempRepo({ 'tsconfig.json': {} })
    const config = { ...GATE_DEFAULTS.typecheck, compiler: '/nonexistent/tsc' }
    await expect(scanTypecheck(root, [], config)).rejects.toThrow(
      'typecheck: the compiler /nonexistent/tsc does not exist; install typescript or set gates.typecheck.compiler',
    )
  })

  test('a failing compiler without diagnostics is one tsc-failed finding with its exit code and output', async () => {
    const root = tempRepo({ 'tsconfig.json': {}, 'bin/.keep': '' })
    const config = fakeCompiler(root, 'echo "tsconfig.json is broken" >&2; exit 3')
    const { findings } = await scanTypecheck(root, [], config)
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.message, f.remediation])).toEqual([
      [
        'tsc-failed',
        'error',
        null,
        `${join(root, 'bin', 'tsc')} exited 3: tsconfig.json is broken`,
        'run `bin/tsc --noEmit -p tsconfig.json` in the repository and fix what it reports',
      ],
    ])
  })

  test('a compiler killed at the timeout reports the signal', async () => {
    const root = tempRepo({ 'tsconfig.json': {}, 'bin/.keep': '' })
    const config = { ...fakeCompiler(root, 'exec sleep 10'), timeout_ms: 200 }
    const { findings } = await scanTypecheck(root, [], config)
    expect(findings).toHaveLength(1)
    expect(findings[0]?.message).toMatch(/ exited SIGTERM: Command failed: /)
  }, 10_000)
})

describe('typecheckInputs()', () => {
  test('keys on every TS/JS/JSON file of the work tree, the lockfile, the compiler and node', () => {
    const root = tempRepo(
      { 'tsconfig.json': {}, 'src/a.ts': '', 'src/b.mjs': '', 'README.md': '', 'bin/.keep': '' },
      { git: true },
    )
    writeFileSync(join(root, 'src', 'untracked.tsx'), '')
    const config = fakeCompiler(root, 'exit 0')
    const inputs = typecheckInputs(root, config)
    expect([...inputs.contents].sort()).toEqual(
      ['package-lock.json', 'src/a.ts', 'src/b.mjs', 'src/untracked.tsx', 'tsconfig.json'].sort(),
    )
    expect(inputs.extra).toEqual({ compiler: `unknown:${join(root, 'bin', 'tsc')}`, node: process.version })
    expect(typecheckGate.cacheInputs?.(root, [], config)).toEqual(inputs)
  })

  test('a project with tsconfig.json is not skipped', () => {
    expect(typecheckGate.skipReason?.(tempRepo({ 'tsconfig.json': {} }), [], GATE_DEFAULTS.typecheck)).toBeUndefined()
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

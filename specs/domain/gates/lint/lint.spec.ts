import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { makeFinding } from '../../../../src/domain/gates/finding.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { addBiomeFailure, lintGate, parseBiomeOutput, scanLint } from '../../../../src/domain/gates/lint/lint.ts'
import { tempRepo } from '../_temp-repo.ts'

/** A repository whose own node_modules/.bin/biome is a shell script (the gate prefers the root's Biome). */
function repoWithBiome(script: string): string {
  const root = tempRepo({ 'biome.json': {}, 'src/a.ts': '', 'README.md': '' })
  const bin = join(root, 'node_modules', '.bin')
  mkdirSync(bin, { recursive: true })
  writeFileSync(join(bin, 'biome'), script)
  chmodSync(join(bin, 'biome'), 0o755)
  return root
}

describe('parseBiomeOutput()', () => {
  test('reads the github reporter lines, relative paths and severities', () => {
    const out = [
      '::warning title=lint/style/useConst,file=/repo/src/x.ts,line=1,endLine=1,col=1,endColumn=4::This let declares a variable that is only assigned once.',
      '::error title=format,file=/repo/src/x.ts,line=2,endLine=2,col=1,endColumn=2::Formatter would have printed the following content:',
      'check ━━━ noise',
    ].join('\n')
    expect(parseBiomeOutput(out, '/repo').map((f) => [f.severity, f.rule, f.file, f.line])).toEqual([
      ['warn', 'lint/style/useConst', 'src/x.ts', 1],
      ['error', 'format', 'src/x.ts', 2],
    ])
    expect(parseBiomeOutput(out, '/repo')[0]?.remediation).toContain('biomejs.dev/linter/rules/use-const')
  })
})

describe('scanLint() with the real Biome', () => {
  const biome = { formatter: { indentStyle: 'space', indentWidth: 2 }, linter: { enabled: true } }

  test('lint and format problems become findings; a clean file has none', async () => {
    const root = tempRepo({
      'biome.json': biome,
      // Biome's default style: double quotes, semicolons.
      'src/bad.ts': 'let a = 1;\nexport const b = a;\n',
      'src/ugly.ts': 'export const c   =  1;\n',
      'src/ok.ts': 'export const d = 1;\n',
    })
    const { findings } = await scanLint(
      root,
      ['src/bad.ts', 'src/ugly.ts', 'src/ok.ts', 'README.md'],
      GATE_DEFAULTS.lint,
    )
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}`).sort()).toEqual([
      'error format src/ugly.ts:1',
      'warn lint/style/useConst src/bad.ts:1',
    ])
    const unformatted = await scanLint(root, ['src/ugly.ts'], { ...GATE_DEFAULTS.lint, format: false })
    expect(unformatted.findings).toEqual([])
  }, 60_000)

  test('a repository without biome.json is skipped', () => {
    expect(lintGate.skipReason?.(tempRepo({ 'a.ts': '' }), [], GATE_DEFAULTS.lint)).toBe('no biome.json at the root')
  })
})

describe('scanLint() with a stand-in Biome', () => {
  test('a Biome that exits non-zero without diagnostics is one biome-failed finding carrying its output', async () => {
    const root = repoWithBiome('#!/bin/sh\necho "args: $*" >&2\nexit 2\n')
    const { findings } = await scanLint(root, ['src/a.ts', 'README.md'], { ...GATE_DEFAULTS.lint, format: false })
    expect(findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      [
        'biome-failed',
        'error',
        'biome exited 2: args: check --reporter=github --colors=off --no-errors-on-unmatched --files-ignore-unknown=true --formatter-enabled=false src/a.ts',
      ],
    ])
    expect(findings[0]?.remediation).toContain('a broken biome.json is the usual cause')
  })

  test('a Biome killed at the timeout reports the signal', async () => {
    const root = repoWithBiome('#!/bin/sh\nexec sleep 10\n')
    const { findings } = await scanLint(root, ['src/a.ts'], { ...GATE_DEFAULTS.lint, timeout_ms: 200 })
    expect(findings.map((f) => f.message)).toEqual(['biome exited SIGTERM: '])
  }, 10_000)

  test('a Biome that cannot be started is an error naming the command that installs it', async () => {
    // The script's interpreter does not exist: spawning it fails with ENOENT.
    const root = repoWithBiome('#!/nonexistent/interpreter\n')
    await expect(scanLint(root, ['src/a.ts'], GATE_DEFAULTS.lint)).rejects.toThrow(
      `lint: Biome is not installed (no ${join(root, 'node_modules', '.bin', 'biome')}); install it: npm i -D @biomejs/biome`,
    )
  })

  test('no Biome files among the inputs: Biome is not run at all', async () => {
    const root = repoWithBiome('#!/bin/sh\nexit 2\n')
    expect(await scanLint(root, ['README.md', 'img.png'], GATE_DEFAULTS.lint)).toEqual({ findings: [] })
  })
})

describe('addBiomeFailure()', () => {
  const error = makeFinding({
    gate: 'lint',
    rule: 'format',
    severity: 'error',
    file: 'a.ts',
    line: 1,
    message: 'm',
    remediation: 'r',
  })

  test('adds nothing when Biome already reported an error: the exit code is explained', () => {
    const findings = [error]
    addBiomeFailure(findings, 1, 'output')
    expect(findings).toEqual([error])
  })

  test('keeps only the last 2000 characters of the output', () => {
    const findings: ReturnType<typeof makeFinding>[] = []
    addBiomeFailure(findings, 1, `${'a'.repeat(3000)}TAIL\n`)
    expect(findings[0]?.message).toBe(`biome exited 1: ${'a'.repeat(1996)}TAIL`)
  })
})

describe('lintGate', () => {
  test('applies when biome.json or biome.jsonc exists; keyed on Biome files, its configs and version', () => {
    const root = repoWithBiome('#!/bin/sh\n')
    expect(lintGate.skipReason?.(root, [], GATE_DEFAULTS.lint)).toBeUndefined()
    expect(lintGate.skipReason?.(tempRepo({ 'biome.jsonc': '{}' }), [], GATE_DEFAULTS.lint)).toBeUndefined()
    expect(lintGate.cacheInputs?.(root, ['src/a.ts', 'README.md', 'b.json'], GATE_DEFAULTS.lint)).toEqual({
      contents: ['src/a.ts', 'b.json', 'biome.json', 'biome.jsonc'],
      extra: { biome: `unknown:${join(root, 'node_modules', '.bin', 'biome')}` },
    })
  })
})

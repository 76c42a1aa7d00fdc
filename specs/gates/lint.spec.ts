import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../src/gates/gates-config.ts'
import { lintGate, parseBiomeOutput, scanLint } from '../../src/gates/lint.ts'
import { tempRepo } from './_temp-repo.ts'

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

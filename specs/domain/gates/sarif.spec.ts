import { describe, expect, test } from 'vitest'
import { makeFinding } from '../../../src/domain/gates/finding.ts'
import { toSarif } from '../../../src/domain/gates/sarif.ts'

const findings = [
  makeFinding({
    gate: 'docs-links',
    rule: 'broken-link',
    severity: 'error',
    file: 'docs/a b.md',
    line: 3,
    message: 'm1',
    remediation: 'r1',
  }),
  makeFinding({
    gate: 'docs-links',
    rule: 'broken-link',
    severity: 'error',
    file: 'README.md',
    line: 9,
    message: 'm2',
    remediation: 'r1',
  }),
  makeFinding({
    gate: 'deps',
    rule: 'duplicate-major',
    severity: 'warn',
    file: null,
    line: null,
    message: 'm3',
    remediation: 'r3',
  }),
]

describe('toSarif()', () => {
  test('one SARIF 2.1.0 run with a rule per gate/rule and results pointing at them', () => {
    const log = toSarif(findings, '/work/repo')
    expect(log.version).toBe('2.1.0')
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json')
    const run = log.runs[0]
    expect(run?.tool.driver.name).toBe('codex-gates')
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(['docs-links/broken-link', 'deps/duplicate-major'])
    expect(run?.results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['docs-links/broken-link', 0, 'error'],
      ['docs-links/broken-link', 0, 'error'],
      ['deps/duplicate-major', 1, 'warning'],
    ])
    expect(run?.results[0]?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'docs/a%20b.md', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3 },
    })
    expect(run?.results[2]?.locations).toBeUndefined()
    expect(run?.results[1]?.partialFingerprints['codexGates/v1']).toBe(findings[1]?.fingerprint)
    expect(run?.originalUriBaseIds['%SRCROOT%']?.uri).toBe('file:///work/repo/')
  })

  test('every result satisfies the SARIF required properties', () => {
    for (const r of toSarif(findings, '/r').runs[0]?.results ?? []) {
      expect(typeof r.message.text).toBe('string')
      expect(['error', 'warning', 'note', 'none']).toContain(r.level)
      for (const l of r.locations ?? []) expect(l.physicalLocation.region?.startLine ?? 1).toBeGreaterThanOrEqual(1)
    }
  })

  test('a file-level finding (no line) has a location without a region; a root with a trailing / is not doubled', () => {
    const fileLevel = makeFinding({
      gate: 'integrity',
      rule: 'added',
      severity: 'error',
      file: 'new.txt',
      line: null,
      message: 'm',
      remediation: 'r',
    })
    const run = toSarif([fileLevel], '/work/repo/').runs[0]
    expect(run?.results[0]?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'new.txt', uriBaseId: '%SRCROOT%' },
    })
    expect(run?.originalUriBaseIds['%SRCROOT%']?.uri).toBe('file:///work/repo/')
    expect(run?.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/)
  })
})

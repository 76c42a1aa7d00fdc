import { describe, expect, test } from 'vitest'
import { scanEnvFiles } from '../../../../src/domain/gates/env-files/env-files.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'

describe('scanEnvFiles()', () => {
  test('flags every committed .env* except the allowed examples', () => {
    const files = [
      '.env',
      'app/.env.local',
      '.env.production',
      '.envrc',
      '.env.example',
      'svc/.env.sample',
      'env.ts',
      'docs/env.md',
    ]
    const { findings } = scanEnvFiles('/repo', files, GATE_DEFAULTS['env-files'])
    expect(findings.map((f) => f.file)).toEqual(['.env', 'app/.env.local', '.env.production', '.envrc'])
    expect(findings[0]?.remediation).toContain('git rm --cached .env')
  })

  test('the allowlist takes globs', () => {
    const { findings } = scanEnvFiles('/repo', ['.env.test', '.env'], {
      ...GATE_DEFAULTS['env-files'],
      allow: ['.env.test'],
    })
    expect(findings.map((f) => f.file)).toEqual(['.env'])
  })
})

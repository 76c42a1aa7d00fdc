import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  acceptedByDetectSecretsBaseline,
  hashSecret,
  readDetectSecretsBaseline,
} from '../../../../src/domain/gates/pre-commit/detect-secrets-baseline.ts'
import { userErrorFrom } from '../../../support/user-error.ts'

const FIXTURE = join(import.meta.dirname, '../../../fixtures/pre-commit/seeds-style/.secrets.baseline')

describe('acceptedByDetectSecretsBaseline()', () => {
  const baseline = readDetectSecretsBaseline(readFileSync(FIXTURE, 'utf8'))

  test('reads results per file with sha1 hashes, lines and audit state', () => {
    expect(baseline.version).toBe('1.5.0')
    expect(baseline.results.get('configs/dev.yaml')).toEqual([
      {
        type: 'Secret Keyword',
        filename: 'configs/dev.yaml',
        hashed_secret: hashSecret('secret'),
        line_number: 3,
        is_verified: false,
        is_secret: false,
      },
    ])
  })

  test('accepts a listed secret for its file only, by sha1 (and type when given)', () => {
    expect(acceptedByDetectSecretsBaseline(baseline, 'configs/dev.yaml', 'secret')).toBe(true)
    expect(acceptedByDetectSecretsBaseline(baseline, 'configs/dev.yaml', 'secret', { type: 'Secret Keyword' })).toBe(
      true,
    )
    expect(acceptedByDetectSecretsBaseline(baseline, 'configs/dev.yaml', 'secret', { type: 'AWS Access Key' })).toBe(
      false,
    )
    expect(acceptedByDetectSecretsBaseline(baseline, 'configs/prod.yaml', 'secret')).toBe(false)
    expect(acceptedByDetectSecretsBaseline(baseline, 'configs/dev.yaml', 'other')).toBe(false)
  })

  test('entries audited as real secrets are accepted like detect-secrets does, unless rejectAuditedSecrets', () => {
    const real = readDetectSecretsBaseline(
      JSON.stringify({
        results: {
          'a.py': [
            { type: 'Hex High Entropy String', hashed_secret: hashSecret('k3y'), is_verified: true, is_secret: true },
          ],
        },
      }),
    )
    expect(acceptedByDetectSecretsBaseline(real, 'a.py', 'k3y')).toBe(true)
    expect(acceptedByDetectSecretsBaseline(real, 'a.py', 'k3y', { rejectAuditedSecrets: true })).toBe(false)
  })

  test('malformed baselines are UserErrors naming the entry', () => {
    expect(
      userErrorFrom(() => readDetectSecretsBaseline('{"results": {"a": [{"type": "x", "hashed_secret": "nope"}]}}'))
        .message,
    ).toBe('.secrets.baseline: results["a"][0].hashed_secret: expected 40 lower-case hex digits (a sha1)')
    expect(userErrorFrom(() => readDetectSecretsBaseline('[]')).code).toBe('DETECT_SECRETS_BASELINE')
    expect(userErrorFrom(() => readDetectSecretsBaseline('{')).message).toContain('not valid JSON')
  })
})

import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { formatFinding } from '../../../../src/domain/gates/finding.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { hashSecret } from '../../../../src/domain/gates/pre-commit/detect-secrets-baseline.ts'
import { listRepoFiles, PACKAGE_ROOT } from '../../../../src/domain/gates/repo-files.ts'
import { toSarif } from '../../../../src/domain/gates/sarif.ts'
import { allFakeSecrets, FAKE_SECRETS, type FakeSecret } from '../../../../src/domain/gates/secrets/fake-secrets.ts'
import { ML_FAKE_SECRETS } from '../../../../src/domain/gates/secrets/ml-fake-secrets.ts'
import {
  ALLOW_MARKER,
  loadSecretsBaseline,
  scanSecrets,
  scanSecretsInText,
  secretFinding,
  secretHash,
  secretsGate,
} from '../../../../src/domain/gates/secrets/secrets.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'
import { maskSecret } from '../../../../src/foundation/redact/redact.ts'
import { userErrorFrom } from '../../../support/user-error.ts'
import { tempDir, tempRepo } from '../_temp-repo.ts'
import { lines, notebookJson, stream } from '../notebooks/_notebook.ts'

const OPTIONS = { entropyThreshold: 3.5, minLength: 12 }
const FIXTURES = join(PACKAGE_ROOT, 'specs', 'fixtures', 'gates', 'secrets')

function plantRepo(files: Record<string, string>): string {
  const root = tempDir('gates-secrets-')
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('scanSecretsInText()', () => {
  test.each(Object.keys(FAKE_SECRETS))('finds a planted %s with its line', (kind) => {
    for (const seed of [1, 2, 3]) {
      const fake = (FAKE_SECRETS[kind] as (rng: Prng) => FakeSecret)(Prng.fromSeed(seed))
      const hits = scanSecretsInText(`first line\n\n${fake.text}last line\n`, fake.file, OPTIONS)
      expect(hits.map((h) => [h.rule, h.line, h.secret])).toEqual([[fake.rule, 3, fake.secret]])
    }
  })

  test('finds nothing in the look-alike fixtures (templates, references, placeholders, digests, examples)', () => {
    const root = FIXTURES
    const { findings } = scanSecrets(root, ['look-alikes.py', 'look-alikes.yaml'], GATE_DEFAULTS.secrets)
    expect(findings.map(formatFinding)).toEqual([])
  })

  test('the inline marker accepts a secret on its line only', () => {
    const [a, b] = allFakeSecrets(7).filter((f) => f.rule === 'aws-access-key-id' || f.rule === 'npm-token')
    const text = `key = ${a?.secret} # ${ALLOW_MARKER}\nother = "${b?.secret}"\n`
    expect(scanSecretsInText(text, 'x.cfg', OPTIONS).map((h) => h.rule)).toEqual(['npm-token'])
  })

  test('the baseline accepts a secret by its sha256, wherever it appears', () => {
    const fake = allFakeSecrets(11).find((f) => f.rule === 'github-token') as FakeSecret
    const accepted = new Set([secretHash(fake.secret)])
    expect(scanSecretsInText(fake.text, fake.file, { ...OPTIONS, accepted })).toEqual([])
  })

  test('unquoted values count in config files but not in code', () => {
    const value = 'Qm7vX2pL9sK4wR8tY3nB6cF1'
    expect(scanSecretsInText(`API_TOKEN=${value}\n`, '.env.local', OPTIONS)).toHaveLength(1)
    expect(scanSecretsInText(`const token = ${value}\n`, 'src/a.ts', OPTIONS)).toEqual([])
  })

  test('generic assignments below the entropy threshold are not reported', () => {
    const random = ['q8Zr2Lx7', 'Wv4Nk1Tp'].join('') // built here so this file holds no secret-shaped line
    expect(scanSecretsInText('password = "aaaabbbbaaaabbbb1"\n', 'a.py', OPTIONS)).toEqual([])
    expect(scanSecretsInText(`password = "${random}"\n`, 'a.py', OPTIONS)).toHaveLength(1)
    expect(scanSecretsInText(`password = "${random}"\n`, 'a.py', { ...OPTIONS, entropyThreshold: 4.5 })).toEqual([])
  })

  test('a provider token assigned to a secret name is reported once, by its provider rule', () => {
    const fake = allFakeSecrets(3).find((f) => f.rule === 'github-token') as FakeSecret
    expect(scanSecretsInText(`github_token = "${fake.secret}"\n`, 'a.py', OPTIONS).map((h) => h.rule)).toEqual([
      'github-token',
    ])
  })

  test('a PEM header without key material (documentation) is not a key', () => {
    const text = `-----BEGIN ${'PRIVATE'} KEY-----\n...\n-----END ${'PRIVATE'} KEY-----\n`
    expect(scanSecretsInText(text, 'README.md', OPTIONS)).toEqual([])
  })

  test('binary files and long minified lines are handled', () => {
    const fake = allFakeSecrets(5).find((f) => f.rule === 'stripe-key') as FakeSecret
    const minified = `${'x=1;'.repeat(5000)}var k="${fake.secret}";${'y=2;'.repeat(5000)}`
    expect(scanSecretsInText(minified, 'bundle.js', OPTIONS).map((h) => h.rule)).toEqual(['stripe-key'])
  })
})

describe('scanSecrets() findings', () => {
  test('name the rule, file:line and the masked secret, never the secret', () => {
    const fakes = allFakeSecrets(21)
    const files = Object.fromEntries(fakes.map((f, i) => [`d${i}/${f.file}`, `\n${f.text}`]))
    const root = plantRepo(files)
    const { findings } = scanSecrets(root, Object.keys(files), GATE_DEFAULTS.secrets)
    expect(findings.map((f) => [f.rule, f.file, f.line])).toEqual(fakes.map((f, i) => [f.rule, `d${i}/${f.file}`, 2]))
    for (const [i, f] of findings.entries()) {
      const secret = (fakes[i] as FakeSecret).secret
      expect(f.message).toContain(maskSecret(secret))
      expect(JSON.stringify(f)).not.toContain(secret)
      expect(f.remediation).toContain(secretHash(secret))
    }
  })

  test('a baseline file of hashes accepts; a malformed one is a user error naming the field', () => {
    const fake = allFakeSecrets(2)[0] as FakeSecret
    const root = plantRepo({
      'a.ini': fake.text,
      'configs/secrets.baseline.json': JSON.stringify({ version: 1, accepted: [{ sha256: secretHash(fake.secret) }] }),
      'bad.json': JSON.stringify({ version: 1, accepted: [{ sha256: fake.secret }] }),
    })
    expect(scanSecrets(root, ['a.ini'], GATE_DEFAULTS.secrets).findings).toEqual([])
    expect(() => loadSecretsBaseline(root, 'bad.json')).toThrow(/bad.json: \/accepted\/0\/sha256 must be/)
  })

  test('a malformed baseline names the file and what is wrong: not JSON, no accepted array', () => {
    const root = plantRepo({ 'not-json.json': '{"version": 1,', 'no-array.json': '{"version": 1, "accepted": {}}' })
    const notJson = userErrorFrom(() => loadSecretsBaseline(root, 'not-json.json'))
    expect(notJson.message).toMatch(/^not-json\.json is not valid JSON: /)
    expect(notJson.hint).toBe('fix it or reset it to {"version": 1, "accepted": []}')
    expect(userErrorFrom(() => loadSecretsBaseline(root, 'no-array.json')).message).toBe(
      'no-array.json: /accepted must be an array',
    )
  })

  test('files over max_file_bytes and files that vanished are not read; large files are read whole', () => {
    const fake = allFakeSecrets(4).find((f) => f.rule === 'npm-token') as FakeSecret
    const big = `${'# filler line\n'.repeat(200_000)}${fake.text}` // ~2.8 MB: past the reader's first buffer
    const root = plantRepo({ 'big.cfg': big })
    expect(scanSecrets(root, ['big.cfg', 'gone.cfg'], GATE_DEFAULTS.secrets).findings.map((f) => f.line)).toEqual([
      200_001,
    ])
    expect(scanSecrets(root, ['big.cfg'], { ...GATE_DEFAULTS.secrets, max_file_bytes: 1024 }).findings).toEqual([])
  })

  test('the cache key covers the scanned files and both baselines', () => {
    const config = { ...GATE_DEFAULTS.secrets, baseline: 'my/baseline.json' }
    expect(secretsGate.cacheInputs?.('/repo', ['a.ts', 'b.ini'], config)).toEqual({
      contents: ['a.ts', 'b.ini', 'my/baseline.json', '.secrets.baseline'],
    })
  })

  test('a detect-secrets .secrets.baseline accepts what it lists for that file (sha1 of the secret), nowhere else', () => {
    const value = 'Zx9vQ2mL7pR4tW8yK3nB'
    const baseline = {
      version: '1.5.0',
      results: {
        'deploy/app.ini': [
          {
            type: 'Secret Keyword',
            filename: 'deploy/app.ini',
            hashed_secret: hashSecret(value),
            is_verified: false,
            line_number: 2,
          },
        ],
      },
    }
    const root = tempRepo({
      '.secrets.baseline': baseline,
      'deploy/app.ini': `[auth]\napi_key = ${value}\n`,
      'deploy/other.ini': `[auth]\napi_key = ${value}\n`,
    })
    const scan = (config: typeof GATE_DEFAULTS.secrets) =>
      scanSecrets(root, ['deploy/app.ini', 'deploy/other.ini'], config).findings.map((f) => f.file)
    expect(scan(GATE_DEFAULTS.secrets)).toEqual(['deploy/other.ini'])
    expect(scan({ ...GATE_DEFAULTS.secrets, detect_secrets_baseline: '' })).toEqual([
      'deploy/app.ini',
      'deploy/other.ini',
    ])
  })

  test('finds nothing on this repository (work tree, tracked and untracked)', () => {
    const files = listRepoFiles(PACKAGE_ROOT, 'worktree')
    expect(files.length).toBeGreaterThan(20)
    const { findings } = scanSecrets(PACKAGE_ROOT, files, GATE_DEFAULTS.secrets)
    expect(findings.map(formatFinding)).toEqual([])
  })
})

describe('scanSecrets() on notebooks and large files', () => {
  test('reads notebook cells unescaped: a quoted secret in a cell and a token printed in an output', () => {
    const generic = allFakeSecrets(12).find((f) => f.rule === 'generic-secret') as FakeSecret
    const hf = (ML_FAKE_SECRETS['huggingface-token'] as (r: Prng) => FakeSecret)(Prng.fromSeed(3))
    const nb = notebookJson([
      { type: 'markdown', source: lines('# Fine-tune') },
      { source: lines(`import os\napi_key = "${generic.secret}"\n`) },
      { source: lines('print(login())'), outputs: [stream(`logged in with ${hf.secret}\n`)] },
    ])
    const root = plantRepo({ 'nb/train.ipynb': nb })
    const findings = scanSecrets(root, ['nb/train.ipynb'], GATE_DEFAULTS.secrets).findings
    const text = nb.split('\n')
    expect(findings.map((f) => [f.rule, f.message.slice(0, f.message.indexOf(': '))])).toEqual([
      ['generic-secret', 'cell 2:line 2'],
      ['huggingface-token', 'cell 3:output 1:line 1'],
    ])
    expect(text[(findings[0]?.line ?? 0) - 1]).toContain('api_key')
    expect(text[(findings[1]?.line ?? 0) - 1]).toContain('logged in with')
    expect(findings.map(formatFinding).join('\n')).not.toContain(generic.secret)
    // Read as raw JSON the escaped quotes hide the assignment: the cell reading is what finds it.
    expect(scanSecretsInText(nb, 'train.json', OPTIONS).map((h) => h.rule)).toEqual(['huggingface-token'])
  })

  test('a file that is not an nbformat 4 notebook is scanned as text', () => {
    const fake = allFakeSecrets(6).find((f) => f.rule === 'github-token') as FakeSecret
    const root = plantRepo({ 'old.ipynb': `{"nbformat": 3, "worksheets": [], "x": "${fake.secret}"}` })
    expect(scanSecrets(root, ['old.ipynb'], GATE_DEFAULTS.secrets).findings.map((f) => f.rule)).toEqual([
      'github-token',
    ])
  })

  test('a file over max_file_bytes is named in a warn event with its size and the option to raise', () => {
    const root = plantRepo({ 'big.cfg': 'x'.repeat(3000), 'small.cfg': 'y' })
    const result = scanSecrets(root, ['big.cfg', 'small.cfg', 'gone.cfg'], {
      ...GATE_DEFAULTS.secrets,
      max_file_bytes: 1024,
    })
    expect(result.findings).toEqual([])
    expect(result.events).toEqual([
      {
        role: 'tool',
        level: 'warn',
        message:
          'secrets: big.cfg was not scanned: 2.9 KiB is over gates.secrets.max_file_bytes (1.0 KiB); raise gates.secrets.max_file_bytes above 3000 in configs/gates.json to scan it, or exclude the file',
        data: { file: 'big.cfg', bytes: 3000, max_file_bytes: 1024, option: 'gates.secrets.max_file_bytes' },
      },
    ])
  })
})

describe('redaction (property)', () => {
  test('no generated secret appears unredacted in console, JSON or SARIF output', () => {
    const kinds = Object.keys(FAKE_SECRETS)
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.subarray(kinds, { minLength: 1 }),
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }),
        (seed, chosen, noise) => {
          const rng = Prng.fromSeed(seed)
          const fakes = chosen.map((k) => (FAKE_SECRETS[k] as (r: Prng) => FakeSecret)(rng))
          const text = fakes.map((f, i) => `${noise[i % Math.max(1, noise.length)] ?? ''}\n${f.text}`).join('\n')
          const hits = scanSecretsInText(text, 'mixed.cfg', OPTIONS)
          for (const f of fakes) expect(hits.some((h) => h.secret === f.secret)).toBe(true)
          const findings = hits.map((h) => secretFinding('mixed.cfg', h))
          const outputs = [
            findings.map(formatFinding).join('\n'),
            JSON.stringify(findings),
            JSON.stringify(toSarif(findings, '/repo')),
          ]
          for (const f of fakes) {
            for (const out of outputs) expect(out.includes(f.secret)).toBe(false)
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})

// The fixture acceptance: on the Python ML repository fixture (shared with the adoption
// specs), each Python gate finds what was planted there and nothing else. Planted: a ruff
// violation (train.py:3 F401), a type error (data.py:6), a to-do (train.py:10) and a stub
// (export.py:7), a notebook committed with its output, a README link to a missing page, the
// dependency drift of pyproject.toml, requirements*.txt and uv.lock; and, written at run time so
// no file of this repository holds one, a Hugging Face token in scripts/login.sh. What must NOT
// be found sits beside them: hashes and revisions in configs/train.yaml and the lock files,
// credentials taken from the environment, valid links and anchors, clean modules.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { resolveGatesConfig } from '../../../src/domain/gates/gates-config.ts'
import { type GateRun, runGate } from '../../../src/domain/gates/run-gate.ts'
import { ML_FAKE_SECRETS } from '../../../src/domain/gates/secrets/ml-fake-secrets.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const FIXTURE = join(REPO_ROOT, 'specs', 'fixtures', 'python', 'ml-repo')
/** The marker word, spelled so the placeholders gate does not count this file. */
const MARKER = ['TO', 'DO'].join('')
const GATES = [
  'python-lint',
  'python-types',
  'python-deps',
  'notebook-outputs',
  'secrets',
  'placeholders',
  'docs-links',
] as const

// What this machine has installed changes from day to day (torch, transformers, …): the checks
// that read the Python environment are off, so the list below holds anywhere.
const CONFIG = resolveGatesConfig(
  {
    gates: {
      'python-types': { missing_imports: 'ignore' },
      'python-deps': { check_installed: false, check_licenses: false },
    },
  },
  undefined,
)

describe('the Python gates on specs/fixtures/python/ml-repo', () => {
  const runs = new Map<string, GateRun>()
  const token = ML_FAKE_SECRETS['huggingface-token']?.(Prng.fromSeed(18))
  if (!token) throw new Error('BUG: no huggingface-token generator')

  beforeAll(async () => {
    const root = join(tempDir('ml-repo-'), 'repo')
    cpSync(FIXTURE, root, { recursive: true })
    mkdirSync(join(root, 'scripts'))
    writeFileSync(join(root, 'scripts', 'login.sh'), `#!/bin/sh\n${token.text}`)
    const env = { ...process.env, CODEX_GATES_NO_CACHE: '1' }
    for (const gate of GATES) {
      runs.set(
        gate,
        await runGate(gate, { root, config: CONFIG, env, useCache: false, reportsDir: join(root, '..', 'gaps') }),
      )
    }
  }, 300_000)

  const found = (gate: string) => (runs.get(gate) as GateRun).findings.map((f) => [f.rule, f.severity, f.file, f.line])

  test('python-lint: the unused import, and no other ruff or format finding', () => {
    expect(found('python-lint')).toEqual([['F401', 'error', 'src/ml_repo/train.py', 3]])
  })

  test('python-types: the float returned as an int', () => {
    expect(found('python-types')).toEqual([['reportReturnType', 'error', 'src/ml_repo/data.py', 6]])
  })

  test('python-deps: the conflicting and stale tokenizers pins, the unpinned torch and the open-ended numpy', () => {
    expect(found('python-deps')).toEqual([
      ['conflicting-pins', 'warn', 'pyproject.toml', 9],
      ['lock-mismatch', 'error', 'pyproject.toml', 9],
      ['unpinned', 'error', 'requirements.txt', 5],
      ['open-ended', 'error', 'requirements.txt', 6],
    ])
  })

  test('notebook-outputs: the one cell run with its output kept', () => {
    expect(found('notebook-outputs')).toEqual([
      ['committed-outputs', 'error', 'notebooks/explore.ipynb', 22],
      ['execution-count', 'error', 'notebooks/explore.ipynb', 22],
    ])
  })

  test('secrets: the Hugging Face token, not the hashes, revisions or environment references', () => {
    expect(found('secrets')).toEqual([['huggingface-token', 'error', 'scripts/login.sh', 2]])
    expect(JSON.stringify(runs.get('secrets')?.findings)).not.toContain(token.secret)
  })

  test('placeholders: the to-do and the NotImplementedError stub, one finding per file', () => {
    expect(found('placeholders')).toEqual([
      ['ratchet', 'error', 'src/ml_repo/export.py', 7],
      ['ratchet', 'error', 'src/ml_repo/train.py', 10],
    ])
    expect(runs.get('placeholders')?.findings.map((f) => f.message.split(': ')[1])).toEqual([
      'line 7 not implemented',
      `line 10 marker ${MARKER}`,
    ])
  })

  test('docs-links: the README link to the page that does not exist; the anchor and the notebook link hold', () => {
    expect(found('docs-links')).toEqual([['broken-link', 'error', 'README.md', 6]])
  })
})

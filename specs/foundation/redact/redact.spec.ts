import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { caseToRecords } from '../../../src/adapters/reporter/to-ledger-rows.ts'
import { appendJsonLines } from '../../../src/foundation/redact/append-json-lines.ts'
import {
  maskSecret,
  redactEnv,
  redactText,
  redactValue,
  secretEnvValues,
} from '../../../src/foundation/redact/redact.ts'
import { exportRecords } from '../../../src/ledger/import-ndjson.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { envSnapshot } from '../../../src/ledger/session-info.ts'
import { tempDir } from '../../support/temp-dir.ts'

const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`))
const upper27 = fc.stringMatching(/^[A-Z2-7]{16}$/)

/** Secret-looking values of the shapes the redactor must catch. Built at runtime: no literal secrets in the repo. */
const secretArb = fc.oneof(
  upper27.map((s) => `AKIA${s}`),
  alnum(36, 40).map((s) => `ghp_${s}`),
  alnum(20, 30).map((s) => `glpat-${s}`),
  alnum(12, 24).map((s) => `xoxb-${s}`),
  alnum(24, 30).map((s) => `sk_live_${s}`),
  fc.stringMatching(/^[0-9A-Za-z_-]{35}$/).map((s) => `AIza${s}`),
  alnum(36, 36).map((s) => `npm_${s}`),
  fc.tuple(alnum(12, 20), alnum(12, 20), alnum(12, 20)).map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`),
  alnum(40, 60).map((s) => `sk-ant-api03-${s}`),
)
const textAround = fc.string({ maxLength: 30 }).map((s) => s.replace(/[A-Za-z0-9_-]$/, ' '))

describe('redactText()', () => {
  test('never lets a generated secret through, wherever it sits in the text', () => {
    fc.assert(
      fc.property(secretArb, textAround, textAround, (secret, before, after) => {
        const out = redactText(`${before} ${secret} ${after}`, [])
        expect(out).not.toContain(secret)
        expect(out).toContain(maskSecret(secret).slice(0, 4))
      }),
    )
  })

  test('masks the values of secret-named environment variables anywhere in text', () => {
    fc.assert(
      fc.property(
        alnum(12, 40),
        fc.constantFrom('GITHUB_TOKEN', 'MY_SECRET', 'OPENAI_API_KEY', 'DB_PASSWORD'),
        textAround,
        (value, name, around) => {
          const secrets = secretEnvValues({ [name]: value, PATH: '/usr/bin' })
          expect(secrets).toEqual([value])
          expect(redactText(`${around}${value}${around}`, secrets)).not.toContain(value)
        },
      ),
    )
  })

  test('shows a secret as its first 4 characters and its length', () => {
    expect(maskSecret('abcdefghij')).toBe('abcd…[redacted 10 chars]')
  })

  test('keeps a URL readable while hiding its password', () => {
    expect(redactText('clone https://bob:hunter2hunter2@example.com/repo.git', [])).toBe(
      'clone https://bob:hunt…[redacted 14 chars]@example.com/repo.git',
    )
  })

  // Issue 14 §1, reproduced: each of these three leaked before masking was reworked.
  test('masks the value of NAME_TOKEN=value in a thrown error', () => {
    const value = ['yrW81Aq1f', 'EbVId8woP', 'eX9PcW'].join('')
    expect(redactText(`deploy failed: DEPLOY_TOKEN=${value}`, [])).not.toContain(value.slice(4))
  })

  test('masks a token at the start of a line inside JSON, and an env secret holding a quote', () => {
    const token = `ghp_${'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'}`
    expect(redactText(JSON.stringify({ out: `line\n${token}` }), [])).not.toContain(token.slice(4))
    const secret = ['pa"ss', 'wo\\rd42'].join('')
    expect(redactText(JSON.stringify({ out: `using ${secret}` }), [secret])).not.toContain('wo\\\\rd42')
  })

  test('masks a token Vitest cut short in an assertion message', () => {
    const token = `ghp_${'8f3Kq2LmN9pXrT5vW1yZ4aB7cD6eF0gH2iJ4'}`
    expect(redactText(`expected '${token.slice(0, 27)}…' to be 'x'`, [])).not.toContain(token.slice(4, 27))
  })

  test('leaves ordinary text alone', () => {
    const text = 'expected 3 to be 4 at src/ledger/ledger.ts:12:5 (sha 0123abcd)'
    expect(redactText(text, [])).toBe(text)
  })
})

describe('ledger records and error blocks', () => {
  test('no generated secret or secret env value reaches the ledger or an errors.ndjson block', () => {
    const dir = tempDir('redact-')
    let n = 0
    fc.assert(
      fc.property(secretArb, alnum(12, 40), (secret, envValue) => {
        const envSecrets = secretEnvValues({ CI_DEPLOY_TOKEN: envValue })
        const leak = `${secret} and ${envValue}`
        const { records, errorBlocks } = caseToRecords('session-1', {
          id: 'id',
          project: 'unit',
          file: `specs/${leak}.spec.ts`,
          name: `uses ${leak}`,
          state: 'failed',
          durationMs: 1,
          retryCount: 0,
          flaky: false,
          errors: [{ message: `boom ${leak}`, stack: `Error: boom\n    at f (${leak}:1:1)` }],
          skipReason: null,
          meta: {
            findings: [
              {
                gate: 'g',
                severity: 'error',
                rule: 'r',
                file: leak,
                line: 1,
                message: leak,
                remediation: leak,
                fingerprint: 'f',
              },
            ],
            events: [{ role: 'tool', message: leak, data: { nested: [leak] } }],
            step: `step ${leak}`,
            context: `context ${leak}`,
          },
        })
        const ledger = openLedger(':memory:', { reapAborted: false, secrets: envSecrets })
        ledger.write(records)
        const stored = JSON.stringify([...exportRecords(ledger)])
        ledger.close()
        const errors = join(dir, `errors-${n++}.ndjson`)
        appendJsonLines(errors, errorBlocks, envSecrets)
        for (const text of [stored, readFileSync(errors, 'utf8')]) {
          expect(text).not.toContain(secret)
          expect(text).not.toContain(envValue)
        }
      }),
    )
  })

  test('the env snapshot keeps only allow-listed names and masks secret-named ones', () => {
    const snapshot = envSnapshot({
      CI: 'true',
      HOME: '/root',
      CODEX_API_KEY: 'abcdefgh12345',
      AWS_SECRET_ACCESS_KEY: 'zzz',
      PATH: '/bin',
    })
    expect(snapshot).toEqual({ CI: 'true', CODEX_API_KEY: 'abcd…[redacted 13 chars]' })
    expect(redactEnv({ MY_TOKEN: 'x' })).toEqual({ MY_TOKEN: 'x…[redacted 1 chars]' })
  })

  test('a "__proto__" key (as JSON.parse makes it) is kept and its value redacted, not dropped', () => {
    const value = JSON.parse('{"__proto__": {"note": "token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}')
    const out = redactValue(value, []) as Record<string, { note: string }>
    expect(Object.keys(out)).toEqual(['__proto__'])
    expect(JSON.stringify(out)).not.toContain('aaaaaaaaaaaaaaaaaaaa')
    expect(JSON.stringify(out)).toContain('"__proto__"')
  })
})

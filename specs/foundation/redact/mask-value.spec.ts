import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { maskSecret } from '../../../src/foundation/redact/mask-secret.ts'
import { maskText, maskValue } from '../../../src/foundation/redact/mask-value.ts'
import { KINDS, needles, plant, plantedArb } from '../../support/planted-secrets.ts'

// Tokens are built at run time: no literal secret in the tree.
const ghp = `ghp_${'8f3Kq2LmN9pXrT5vW1yZ4aB7'}${'cD6eF0gH2iJ4'}`
const deploy = ['yrW81Aq1f', 'EbVId8woP', 'eX9PcW'].join('')
/** `${NAME}`, as a config template writes it. */
const TEMPLATE = (name: string) => ['$', '{', name, '}'].join('')

describe('maskText()', () => {
  test('masks the value of a secret-named assignment (issue 14: NAME_TOKEN=value was left as is)', () => {
    expect(maskText(`deploy failed: DEPLOY_TOKEN=${deploy}`, [])).toBe(
      `deploy failed: DEPLOY_TOKEN=${maskSecret(deploy)}`,
    )
  })

  test.each([
    ['env style', `DEPLOY_TOKEN=${deploy}`],
    ['JSON key', `{"api_key": "${deploy}"}`],
    ['JSON in a string', `{\\"api_key\\": \\"${deploy}\\"}`],
    ['YAML', `password: ${deploy}`],
    ['flag with =', `--token=${deploy}`],
    ['flag and value', `--token ${deploy}`],
    ['flag in a JSON array', `["--token","${deploy}"]`],
    ['query string', `https://x.example.net/cb?access_token=${deploy}&next=1`],
    ['header', `Authorization: Bearer ${deploy}`],
    ['Python call', `client(api_key='${deploy}')`],
    ['after an escaped newline', `"line\\nPASSWORD=${deploy}"`],
  ])('%s', (_, text) => {
    const out = maskText(text, [])
    expect(out).not.toContain(deploy)
    expect(out).toContain(maskSecret(deploy))
  })

  test.each([
    `TOKEN=${TEMPLATE('GITHUB_TOKEN')}`,
    'secret: <your-secret>',
    'PASSWORD=***',
    'API_KEY=',
    'password: {{ vault.password }}',
    'token = process.env.GITHUB_TOKEN',
    'auth: undefined',
    'max_tokens: 1024, tokenizer=bpe, token_url=https://x.example.net/t',
    'npm_lifecycle_event=test npm_execpath=/usr/lib/node_modules/npm/bin/npm-cli.js',
    'secrets:github-token:src/config.ts:GitHub token (a finding fingerprint)',
    'expected 3 to be 4 at src/ledger/ledger.ts:12:5 (sha 0123abcd)',
    '2024-05-01T12:34:56.789Z 0f8fad5b-d9cb-469f-a165-70867728950e passed',
    'http://localhost:8080/api and redis://cache:6379/0',
  ])('leaves an obvious non-secret alone: %s', (text) => {
    expect(maskText(text, [])).toBe(text)
  })

  test('masks a token after a literal \\n inside JSON (issue 14: masking after encoding missed it)', () => {
    const out = maskText(JSON.stringify({ out: `line\n${ghp}` }), [])
    expect(out).not.toContain(ghp.slice(4))
    expect(JSON.parse(out)).toEqual({ out: `line\n${maskSecret(ghp)}` })
  })

  test('masks an env secret holding `"` or `\\` in JSON and in an inspected object', () => {
    const secret = ['Zq9"pa', 'ss\\word/42'].join('') // built at run time: no literal secret in the tree
    const json = JSON.stringify({ out: `using ${secret}` })
    expect(maskText(json, [secret])).not.toContain(JSON.stringify(secret).slice(1, -1))
    expect(JSON.parse(maskText(json, [secret]))).toEqual({ out: `using ${maskSecret(secret)}` })
    const inspected = `expected { out: 'using ${secret.replace(/[\\'"]/g, '\\$&')}' } to be falsy`
    expect(maskText(inspected, [secret])).not.toContain('word/42')
  })

  test('masks an env secret with spaces at its ends also where they were trimmed away (found by the sink property spec)', () => {
    const secret = ['Pu7cabcdefghij" AiJ\\YJ', 'Ho\\NDdFh53q\\/kikkXj '].join('')
    const cut = `deploy failed: DEPLOY_TOKEN=${secret}`.trim()
    expect(maskText(cut, [secret])).toBe(`deploy failed: DEPLOY_TOKEN=${maskSecret(secret.trim())}`)
    expect(maskText(`  ${secret.trim()}|`, [` ${secret}`])).not.toContain('kikkXj')
    // A value that is only spaces around a short word is not looked for trimmed.
    expect(maskText('a cat sat', ['  cat  '])).toBe('a cat sat')
  })

  test('masks a token cut short by Vitest (issue 14: 27 of 36 characters were stored)', () => {
    const message = `expected '${ghp.slice(0, 27)}…' to be 'x'`
    const out = maskText(message, [])
    expect(out).not.toContain(ghp.slice(4, 27))
    expect(out).toBe(`expected '${maskSecret(ghp.slice(0, 27))}…' to be 'x'`)
  })

  test('every kind, whole or cut, in every form: nothing of the secret stays', () => {
    for (const kind of KINDS) {
      const p = plant(kind, 7, 'full', false, 0)
      const out = maskText(p.text, p.env ? [p.env] : [])
      for (const needle of needles(p)) expect(out, `${kind}: ${p.text}`).not.toContain(needle)
    }
    fc.assert(
      fc.property(plantedArb, (p) => {
        const out = maskText(p.text, p.env ? [p.env] : [])
        for (const needle of needles(p)) expect(out, p.text).not.toContain(needle)
      }),
      { numRuns: 2000 },
    )
  })

  test('keeps a URL readable while hiding its password, whole, cut or percent-encoded', () => {
    const pw = ['Hunter2dq', 'yunDuvW4'].join('')
    expect(maskText(`--since "postgres://admin:${pw}@db/x"`, [])).toBe(
      `--since "postgres://admin:${maskSecret(pw)}@db/x"`,
    )
    expect(maskText(`url postgres://admin:${pw.slice(0, 11)}…`, [])).toBe(
      `url postgres://admin:${maskSecret(pw.slice(0, 11))}…`,
    )
    expect(maskText(`cb?u=${encodeURIComponent(`postgres://app:${pw}@db`)}`, [])).toBe(
      `cb?u=postgres://app:${maskSecret(pw)}@db`,
    )
  })

  test('masks PEM private keys whole or cut, with real or escaped newlines', () => {
    const body = ['MIIEowIBAAKCAQEA1x9', 'Qk3Zb8vT2LmN0pRs'].join('')
    for (const text of [
      `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${body}\n-----END RSA PRIVATE KEY-----`,
      `-----BEGIN PRIVATE KEY-----\\n${body}\\n${body.slice(0, 9)}`,
    ]) {
      const out = maskText(`key: ${text} (end)`, [])
      expect(out).not.toContain(body.slice(0, 12))
      expect(out).toContain('(end)')
    }
  })

  test('is idempotent: masked text is masked text', () => {
    fc.assert(
      fc.property(plantedArb, (p) => {
        const secrets = p.env ? [p.env] : []
        const once = maskText(p.text, secrets)
        expect(maskText(once, secrets)).toBe(once)
      }),
      { numRuns: 1000 },
    )
  })

  test('JSON stays valid JSON with the same shape', () => {
    fc.assert(
      fc.property(plantedArb, (p) => {
        const json = JSON.stringify({ a: p.text, b: [p.text, 1], c: { d: null } })
        const out = JSON.parse(maskText(json, p.env ? [p.env] : [])) as Record<string, unknown>
        expect(Object.keys(out)).toEqual(['a', 'b', 'c'])
        expect(out.c).toEqual({ d: null })
      }),
      { numRuns: 500 },
    )
  })
})

describe('maskValue()', () => {
  test('masks a string under a secret-named key or after a secret-named flag, whole', () => {
    expect(maskValue({ apiKey: 'plainwords', nested: { password: 'correct horse' } }, [])).toEqual({
      apiKey: maskSecret('plainwords'),
      nested: { password: maskSecret('correct horse') },
    })
    expect(maskValue(['ledger', '--password', 'correct horse', '--since', '7d'], [])).toEqual([
      'ledger',
      '--password',
      maskSecret('correct horse'),
      '--since',
      '7d',
    ])
    expect(maskValue({ token: TEMPLATE('TOKEN'), tokens: 'not a secret', apiKey: '***' }, [])).toEqual({
      token: TEMPLATE('TOKEN'),
      tokens: 'not a secret',
      apiKey: '***',
    })
  })

  test('masks keys too, and keeps a "__proto__" key as data', () => {
    const value = JSON.parse(`{"__proto__": {"${ghp}": 1}}`)
    const out = maskValue(value, []) as Record<string, Record<string, number>>
    expect(Object.keys(out)).toEqual(['__proto__'])
    expect(JSON.stringify(out)).toBe(`{"__proto__":{"${maskSecret(ghp)}":1}}`)
  })
})

import { describe, expect, test } from 'vitest'
import { maskSecret } from '../../src/foundation/redact/mask-secret.ts'
import type { LedgerReads } from '../../src/ledger/ledger.ts'
import { maskedReads, secretsOf } from '../../src/ledger/masked-reads.ts'

const ghp = `ghp_${'Zx81Aq1fEbVId8woPeX9'}${'PcWk2LmN3pQr4sTu'}`

/** A ledger written before masking existed: its rows come back raw. */
const rawLedger: LedgerReads = {
  all: <T>() => [{ name: `uses ${ghp}`, n: 3, data_json: JSON.stringify({ out: `line\n${ghp}` }) }] as T[],
  get: <T>() => ({ name: `DEPLOY_TOKEN=abcdef123456`, n: null }) as T,
}

describe('maskedReads()', () => {
  test('every string of every row read comes back masked; numbers and nulls as they are', () => {
    const reads = maskedReads(rawLedger, [])
    expect(reads.all('SELECT')).toEqual([
      { name: `uses ${maskSecret(ghp)}`, n: 3, data_json: JSON.stringify({ out: `line\n${maskSecret(ghp)}` }) },
    ])
    expect(reads.get('SELECT')).toEqual({ name: `DEPLOY_TOKEN=${maskSecret('abcdef123456')}`, n: null })
  })

  test('a read that finds no row comes back as no row', () => {
    const empty: LedgerReads = { all: <T>() => [] as T[], get: () => undefined }
    const reads = maskedReads(empty, ['an-env-secret-1'])
    expect(reads.get('SELECT')).toBeUndefined()
    expect(reads.all('SELECT')).toEqual([])
  })

  test('wrapping a masked view again is a no-op, and it tells the secrets it masks with', () => {
    const secrets = ['an-env-secret-1']
    const reads = maskedReads(rawLedger, secrets)
    expect(maskedReads(reads)).toBe(reads)
    expect(secretsOf(reads)).toBe(secrets)
  })
})

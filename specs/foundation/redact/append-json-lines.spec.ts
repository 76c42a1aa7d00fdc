import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { appendJsonLines } from '../../../src/foundation/redact/append-json-lines.ts'
import { maskSecret } from '../../../src/foundation/redact/mask-secret.ts'
import { tempDir } from '../../support/temp-dir.ts'

const ghp = `ghp_${'Zx81Aq1fEbVId8woPeX9'}${'PcWk2LmN3pQr4sTu'}`

describe('appendJsonLines()', () => {
  test('masks every value before encoding it, one JSON line per value, appended', () => {
    const path = join(tempDir('json-lines-'), 'deep', 'log.ndjson')
    const envSecret = ['s3cr"et', 'val\\ue9'].join('')
    appendJsonLines(path, [{ out: `line\n${ghp}`, argv: ['--token', 'plainwords1'] }], [envSecret])
    appendJsonLines(path, [{ note: `uses ${envSecret}` }, 'DEPLOY_TOKEN=abcdef123456'], [envSecret])
    appendJsonLines(path, [], [envSecret])
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { out: `line\n${maskSecret(ghp)}`, argv: ['--token', maskSecret('plainwords1')] },
      { note: `uses ${maskSecret(envSecret)}` },
      `DEPLOY_TOKEN=${maskSecret('abcdef123456')}`,
    ])
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ERROR_CODES } from '../../../src/foundation/errors/error-codes.ts'
import { REPO_ROOT } from '../../support/temp-dir.ts'

/** Every .ts source under src/ and scripts/. */
function sources(): string[] {
  const out: string[] = []
  for (const dir of ['src', 'scripts']) {
    for (const f of readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' }))
      if (f.endsWith('.ts')) out.push(readFileSync(join(REPO_ROOT, dir, f), 'utf8'))
  }
  return out
}

describe('ERROR_CODES', () => {
  const text = sources().join('\n')

  test('every code thrown is registered (the type enforces it; this catches codes built at run time)', () => {
    const thrown = new Set([...text.matchAll(/(?:UserError|LedgerFileError)\(\s*'([A-Za-z_-]+)'/g)].map((m) => m[1]))
    expect([...thrown].filter((c) => !((c as string) in ERROR_CODES))).toEqual([])
  })

  test('every registered code is used somewhere, each once in the registry, in SCREAMING_SNAKE_CASE with a meaning', () => {
    const registry = readFileSync(join(REPO_ROOT, 'src', 'foundation', 'errors', 'error-codes.ts'), 'utf8')
    const elsewhere = text.replace(registry, '')
    const unused = Object.keys(ERROR_CODES).filter((code) => !elsewhere.includes(`'${code}'`))
    expect(unused).toEqual([])
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/)
      expect(meaning.length, code).toBeGreaterThan(10)
    }
  })
})

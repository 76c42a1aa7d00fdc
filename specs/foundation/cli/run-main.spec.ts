import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { reportError } from '../../../src/foundation/cli/run-main.ts'
import { EXIT, UserError } from '../../../src/foundation/errors/user-error.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('reportError()', () => {
  test('a bug goes to the bug log with its argv and stack, masked (issue 14: both were stored raw)', () => {
    const path = join(tempDir('bugs-'), '.codex', 'bugs.log')
    const password = ['Hunter2dq', 'yunDuvW4'].join('')
    const argv = ['failures', '--since', `postgres://admin:${password}@db/x`, '--password', password]
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const code = reportError(new Error(`cannot open postgres://admin:${password}@db/x`), { path, argv })
      expect(code).toBe(EXIT.bug)
    } finally {
      stderr.mockRestore()
    }
    const text = readFileSync(path, 'utf8')
    expect(text).not.toContain(password)
    const entry = JSON.parse(text) as { argv: string[]; stack: string; node: string }
    expect(entry.argv[0]).toBe('failures')
    expect(entry.argv[2]).toBe('postgres://admin:Hunt…[redacted 17 chars]@db/x')
    expect(entry.argv[4]).toBe('Hunt…[redacted 17 chars]')
    expect(entry.stack).toMatch(/^Error: cannot open postgres:\/\/admin:Hunt…\[redacted 17 chars\]@db\/x\n\s+at /)
    expect(entry.node).toBe(process.version)
  })

  test('a user error prints its message and hint and writes no bug log', () => {
    const path = join(tempDir('bugs-'), 'bugs.log')
    const lines: string[] = []
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    try {
      expect(reportError(new UserError('BAD_FLAG', '--since must be a duration', 'e.g. --since 7d'), { path })).toBe(2)
    } finally {
      stderr.mockRestore()
    }
    expect(lines).toEqual(['error: --since must be a duration\n', '  hint: e.g. --since 7d\n'])
    expect(() => readFileSync(path)).toThrow()
  })
})

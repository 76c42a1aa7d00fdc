import { describe, expect, test } from 'vitest'
import { INSTALLED, userCommand } from '../../../src/foundation/cli/user-command.ts'

describe('userCommand()', () => {
  test('installed: the codex-gates bin through npx, verb for verb', () => {
    expect(userCommand('run', true)).toBe('npx codex-gates run')
    expect(userCommand('baseline secrets', true)).toBe('npx codex-gates baseline secrets')
    expect(userCommand('ledger ungated', true)).toBe('npx codex-gates ledger ungated')
  })

  test("in this repository's checkout: the npm scripts (run is `npm run gates`)", () => {
    expect(userCommand('run', false)).toBe('npm run gates')
    expect(userCommand('baseline placeholders', false)).toBe('npm run gates -- baseline placeholders')
    expect(userCommand('scan secrets a.txt', false)).toBe('npm run gates -- scan secrets a.txt')
    expect(userCommand('hook gate HEAD', false)).toBe('npm run hook -- gate HEAD')
    expect(userCommand('ledger show latest', false)).toBe('npm run ledger -- show latest')
    expect(userCommand('report', false)).toBe('npm run report')
    expect(userCommand('init --dry-run', false)).toBe('npm run codex-gates -- init --dry-run')
  })

  test('specs run the TypeScript sources: not installed', () => {
    expect(INSTALLED).toBe(false)
  })
})

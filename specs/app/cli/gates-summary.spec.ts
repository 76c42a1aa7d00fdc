import { describe, expect, test } from 'vitest'
import type { CaseSnapshot } from '../../../src/adapters/reporter/to-ledger-rows.ts'
import { gatesSummary } from '../../../src/app/cli/gates-summary.ts'
import { gateCase } from '../../../src/app/cli/record-gates-session.ts'

const FILE = 'gates/commands.gate.ts'

describe('gatesSummary()', () => {
  test('a line per gate, the disabled ones on one line, blocking findings under a failed gate, the counts', () => {
    const cases: CaseSnapshot[] = [
      gateCase(FILE, 'lint', {
        state: 'skipped',
        durationMs: 0,
        skipReason: 'disabled in codex-gates.json (gates.lint.enabled)',
      }),
      gateCase(FILE, 'secrets', {
        state: 'skipped',
        durationMs: 0,
        skipReason: 'disabled in codex-gates.json (gates.secrets.enabled)',
      }),
      gateCase(FILE, 'greet', {
        state: 'passed',
        durationMs: 3,
        skipReason: null,
        meta: { gate: { gate: 'greet', status: 'cached', cached_from: '0123456789abcdef' } },
      }),
      gateCase(FILE, 'mypy', {
        state: 'passed',
        durationMs: 412.4,
        skipReason: null,
        meta: { gate: { gate: 'mypy', status: 'passed' } },
      }),
      gateCase(FILE, 'pre-commit:black', { state: 'skipped', durationMs: 0, skipReason: 'hook black needs black' }),
      gateCase(FILE, 'pre-commit:no-todo', {
        state: 'failed',
        durationMs: 5,
        skipReason: null,
        errors: [{ message: 'pre-commit:no-todo failed: 1 blocking finding(s): …' }],
        meta: { gate: { gate: 'pre-commit:no-todo', status: 'failed' } },
      }),
    ]
    const blocking = new Map([
      ['pre-commit:no-todo', ['pre-commit:no-todo a.py:1 no-todo: a.py:1:# to-do — fix: fix it']],
    ])
    expect(gatesSummary(cases, blocking, 'abcdef0123456789')).toMatchInlineSnapshot(`
      " ✓ greet (unchanged since session 01234567)
       ✓ mypy (412 ms)
       ↓ pre-commit:black (skipped: hook black needs black)
       ✗ pre-commit:no-todo
           pre-commit:no-todo a.py:1 no-todo: a.py:1:# to-do — fix: fix it
       ↓ 2 disabled in codex-gates.json: lint, secrets

       gates  1 failed | 2 passed | 3 skipped — 2 ran in-process, the rest unchanged; session abcdef01
      "
    `)
  })
})

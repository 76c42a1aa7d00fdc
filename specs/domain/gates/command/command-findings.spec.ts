import { describe, expect, test } from 'vitest'
import { diagnosticFindings, outputTail, runFinding } from '../../../../src/domain/gates/command/command-findings.ts'
import type { Diagnostic } from '../../../../src/domain/gates/command/parse/diagnostic.ts'
import { fingerprintOf } from '../../../../src/domain/gates/finding.ts'

const ctx = { gate: 'mypy', root: '/repo', cwd: '/repo/pkg', commandText: 'mypy pkg' }
const ghp = `ghp_${'Zx81Aq1fEbVId8woPeX9'}${'PcWk2LmN3pQr4sTu'}`

describe('diagnosticFindings()', () => {
  test('each diagnostic at its repo-relative file:line; notes become nothing; no severity is an error', () => {
    const diagnostics: Diagnostic[] = [
      { file: 'a.py', line: 3, col: 7, rule: 'arg-type', severity: 'error', message: 'bad arg' },
      { file: 'a.py', line: 3, severity: 'note', message: 'see here' },
      { file: '/repo/b.py', line: 1, severity: 'warn', message: 'unused' },
      { message: 'whole-run problem' },
    ]
    const findings = diagnosticFindings(diagnostics, 'error', ctx)
    expect(findings.map((f) => [f.file, f.line, f.rule, f.severity, f.message])).toEqual([
      ['pkg/a.py', 3, 'arg-type', 'error', 'bad arg (col 7)'],
      ['b.py', 1, 'mypy', 'warn', 'unused'],
      [null, null, 'mypy', 'error', 'whole-run problem'],
    ])
    expect(findings[0]?.remediation).toBe('fix what `mypy pkg` reports (rule arg-type), then run it again')
    expect(findings[1]?.remediation).toBe('fix what `mypy pkg` reports, then run it again')
    // The column is not part of the identity: moving code sideways keeps the fingerprint.
    expect(findings[0]?.fingerprint).toBe(fingerprintOf('mypy', 'arg-type', 'pkg/a.py', 'arg-type\0bad arg'))
  })

  test('a path outside the root, or the root itself, is kept as the tool printed it', () => {
    const files = ['../../elsewhere/x.py', '/other/y.py', '/repo', '..']
    const findings = diagnosticFindings(
      files.map((file) => ({ file, message: 'm' })),
      'error',
      ctx,
    )
    expect(findings.map((f) => f.file)).toEqual(files)
  })

  test("severity 'warn' lowers every finding; per-rule overrides raise, lower or drop", () => {
    const diagnostics: Diagnostic[] = [
      { rule: 'E1', message: 'one' },
      { rule: 'W2', severity: 'warn', message: 'two' },
      { rule: 'X3', message: 'three' },
      { message: 'no rule' },
    ]
    expect(diagnosticFindings(diagnostics, 'warn', ctx).map((f) => f.severity)).toEqual([
      'warn',
      'warn',
      'warn',
      'warn',
    ])
    const overridden = diagnosticFindings(diagnostics, { E1: 'warn', W2: 'error', X3: 'off' }, ctx)
    expect(overridden.map((f) => [f.rule, f.severity])).toEqual([
      ['E1', 'warn'],
      ['W2', 'error'],
      ['mypy', 'error'],
    ])
  })

  test('secrets in messages and in the command are masked', () => {
    const [finding] = diagnosticFindings([{ message: `token ${ghp} leaked` }], 'error', {
      ...ctx,
      commandText: `tool --token ${ghp}`,
    })
    expect(JSON.stringify(finding)).not.toContain(ghp)
  })
})

describe('runFinding()', () => {
  test('a finding about the run, with no file, its message and remediation masked', () => {
    const f = runFinding(ctx, 'exit-code', 'warn', `exited 2: ${ghp}`, `rerun with ${ghp}`)
    expect(f).toMatchObject({ gate: 'mypy', rule: 'exit-code', severity: 'warn', file: null, line: null })
    expect(JSON.stringify(f)).not.toContain(ghp)
    expect(f.fingerprint).toBe(fingerprintOf('mypy', 'exit-code', null, 'exit-code'))
  })
})

describe('outputTail()', () => {
  test('the last non-empty lines, CRLF or LF', () => {
    expect(outputTail('a\r\n\r\nb\n  \nc\nd\n', 2)).toBe('c\nd')
    expect(outputTail(Array.from({ length: 15 }, (_, i) => `l${i}`).join('\n'))).toBe(
      Array.from({ length: 10 }, (_, i) => `l${i + 5}`).join('\n'),
    )
    expect(outputTail('')).toBe('')
  })
})

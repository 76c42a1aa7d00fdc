import { describe, expect, test } from 'vitest'
import { parseSarif } from '../../../../../src/domain/gates/command/parse/parse-sarif.ts'

// In the shape bandit's and semgrep's SARIF logs have: rules with default levels, a base URI,
// results by ruleIndex, a suppressed result and a `pass` result that are not findings.
const LOG = {
  version: '2.1.0',
  runs: [
    {
      tool: {
        driver: {
          name: 'bandit',
          rules: [
            { id: 'B105', shortDescription: { text: 'hardcoded_password_string' } },
            { id: 'B307', defaultConfiguration: { level: 'error' } },
          ],
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: 'file:///work/repo/' } },
      results: [
        {
          ruleIndex: 0,
          message: { text: "Possible hardcoded password: 'hunter2'" },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'src/config.py', uriBaseId: 'SRCROOT' },
                region: { startLine: 4, startColumn: 12 },
              },
            },
          ],
        },
        {
          ruleId: 'B307',
          message: { text: 'Use of possibly insecure function - consider using safer ast.literal_eval.' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/eval%20tools.py' }, region: { startLine: 9 } } },
          ],
        },
        { ruleId: 'B105', level: 'note', kind: 'pass', message: { text: 'checked' } },
        { ruleId: 'B105', message: { text: 'accepted' }, suppressions: [{ kind: 'inSource' }] },
        { ruleId: 'B307', level: 'none', message: { text: 'informational' } },
      ],
    },
  ],
}

describe('parseSarif()', () => {
  test('results at their first location; level from the result, else the rule, else warning', () => {
    expect(parseSarif(JSON.stringify(LOG))).toEqual([
      {
        file: '/work/repo/src/config.py',
        line: 4,
        col: 12,
        rule: 'B105',
        severity: 'warn',
        message: "Possible hardcoded password: 'hunter2'",
      },
      {
        file: 'src/eval tools.py',
        line: 9,
        rule: 'B307',
        severity: 'error',
        message: 'Use of possibly insecure function - consider using safer ast.literal_eval.',
      },
    ])
  })

  test('output that is not SARIF is one error saying so', () => {
    expect(parseSarif('Traceback (most recent call last):')).toEqual([
      { severity: 'error', rule: 'sarif', message: expect.stringMatching(/^the output is not SARIF JSON/) },
    ])
    expect(parseSarif('{"version": "2.1.0"}')[0]?.message).toBe('the output is not a SARIF log (no "runs" array)')
  })
})

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

  test('sparse results: rule by id or rule object, message from the rule or its id, no location, base URIs', () => {
    const log = {
      runs: [
        { results: [] },
        {},
        {
          tool: { driver: { rules: [{ id: 'R1', shortDescription: { text: 'from the rule' } }] } },
          originalUriBaseIds: { ROOT: { uri: '/abs/root' }, BAD: { uri: 'file://%zz/' } },
          results: [
            { ruleId: 'R1' },
            { rule: { id: 'R2' }, level: 'note' },
            {},
            { ruleId: 'R3', level: 'none' },
            { ruleId: 'R4', kind: 'review' },
            { ruleId: 'R5', baselineState: 'absent' },
            {
              ruleId: 'R6',
              locations: [{ physicalLocation: { artifactLocation: { uri: 'a%20b.py', uriBaseId: 'ROOT' } } }],
            },
            {
              ruleId: 'R7',
              locations: [{ physicalLocation: { artifactLocation: { uri: 'x.py', uriBaseId: 'MISSING' } } }],
            },
            { ruleId: 'R8', locations: [{ physicalLocation: { artifactLocation: { uri: 'bad%zz.py' } } }] },
            {
              ruleId: 'R9',
              locations: [{ physicalLocation: { artifactLocation: { uri: 'c.py', uriBaseId: 'BAD' } } }],
            },
            {
              ruleId: 'R10',
              locations: [{ physicalLocation: { artifactLocation: { uri: 'https://x.org/y.py', uriBaseId: 'ROOT' } } }],
            },
          ],
        },
      ],
    }
    expect(parseSarif(JSON.stringify(log))).toEqual([
      { rule: 'R1', severity: 'warn', message: 'from the rule' },
      { rule: 'R2', severity: 'warn', message: 'R2' },
      { severity: 'warn', message: 'result' },
      { file: '/abs/root/a b.py', rule: 'R6', severity: 'warn', message: 'R6' },
      { file: 'x.py', rule: 'R7', severity: 'warn', message: 'R7' },
      // A URI that is not valid percent-encoding is kept as written.
      { file: 'bad%zz.py', rule: 'R8', severity: 'warn', message: 'R8' },
      { file: '%zz/c.py', rule: 'R9', severity: 'warn', message: 'R9' },
      { file: 'https://x.org/y.py', rule: 'R10', severity: 'warn', message: 'R10' },
    ])
  })

  test('null or a log whose runs is not a list is not SARIF', () => {
    expect(parseSarif('null')[0]?.message).toBe('the output is not a SARIF log (no "runs" array)')
    expect(parseSarif('{"runs": {}}')[0]?.message).toBe('the output is not a SARIF log (no "runs" array)')
  })
})

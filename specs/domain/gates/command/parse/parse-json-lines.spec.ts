import { describe, expect, test } from 'vitest'
import { parseJsonLines } from '../../../../../src/domain/gates/command/parse/parse-json-lines.ts'

describe('parseJsonLines()', () => {
  test("fields under the names tools use; ruff's nested location; other lines ignored", () => {
    const out = [
      'checking 3 files',
      '{"file": "a.py", "line": 3, "col": 1, "rule": "E501", "severity": "warning", "message": "line too long"}',
      '{"filename": "b.py", "location": {"row": 7, "column": 5}, "code": "F841", "message": "local variable unused"}',
      '{"path": "c.py", "line_number": 2, "test_id": "B101", "issue_severity": "LOW", "msg": "assert used"}',
      '{"no": "message"}',
      '{broken',
    ].join('\n')
    expect(parseJsonLines(out)).toEqual([
      { file: 'a.py', line: 3, col: 1, rule: 'E501', severity: 'warn', message: 'line too long' },
      { file: 'b.py', line: 7, col: 5, rule: 'F841', message: 'local variable unused' },
      { file: 'c.py', line: 2, rule: 'B101', severity: 'warn', message: 'assert used' },
    ])
  })
})

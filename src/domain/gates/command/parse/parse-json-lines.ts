import { type Diagnostic, severityOf } from './diagnostic.ts'

/**
 * Diagnostics from JSON lines: one object a line (other lines are ignored), its fields found under
 * the names tools use — file/path/filename/filePath, line/lineNumber/line_number/row (also inside
 * a `location` or `start` object), col/column, rule/code/ruleId/check/test_id, severity/level/type,
 * message/msg/text/description.
 */
export function parseJsonLines(output: string): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line.startsWith('{')) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      continue
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue
    const d = toDiagnostic(value as Record<string, unknown>)
    if (d) out.push(d)
  }
  return out
}

// --- internal ---

function toDiagnostic(o: Record<string, unknown>): Diagnostic | undefined {
  const message = pick(o, ['message', 'msg', 'text', 'description'])
  const text =
    typeof message === 'object' && message !== null ? pick(message as Record<string, unknown>, ['text']) : message
  if (typeof text !== 'string' || text.trim() === '') return undefined
  const nested = [o, ...['location', 'start', 'position'].map((k) => o[k]).filter(isObject)]
  const num = (keys: string[]) => {
    for (const scope of nested) {
      const v = Number(pick(scope, keys))
      if (Number.isInteger(v) && v > 0) return v
    }
    return undefined
  }
  const file = pick(o, ['file', 'path', 'filename', 'filePath', 'file_path'])
  const rule = pick(o, ['rule', 'code', 'ruleId', 'rule_id', 'check', 'test_id', 'symbol'])
  const severity = severityOf(String(pick(o, ['severity', 'level', 'type', 'issue_severity']) ?? ''))
  const line = num(['line', 'lineNumber', 'line_number', 'row', 'startLine'])
  const col = num(['col', 'column', 'startColumn'])
  return {
    ...(typeof file === 'string' && file !== '' ? { file } : {}),
    ...(line ? { line } : {}),
    ...(col ? { col } : {}),
    ...(rule !== undefined && rule !== null && rule !== '' ? { rule: String(rule) } : {}),
    ...(severity ? { severity } : {}),
    message: text.trim(),
  }
}

function pick(o: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k]
  return undefined
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

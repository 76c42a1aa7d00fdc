import { createHash } from 'node:crypto'
import { firstLine } from './format.ts'

/**
 * An error-capture block (`errors.ndjson` line, or an assistant event's `data_json`). Blocks may
 * also name what failed (`project`/`file`/`name` for a test, `gate`); without them the test is
 * found by matching the block against the session's failed tests.
 */
export interface QuestionBlock {
  ts: string
  session_id: string
  step: string
  error: string
  context: string
  project?: string
  file?: string
  name?: string
  gate?: string
}

/** The seeds' question template, word for word. */
export function questionText(b: Pick<QuestionBlock, 'step' | 'error' | 'context'>): string {
  return `While performing ${b.step}, encountered the following error: ${b.error}. Context: ${b.context}. What are the possible causes, and how can this be resolved while preserving intended functionality?`
}

/**
 * An error reduced to what stays the same when the same failure happens again: its first line,
 * with numbers, ids, hex digests, temp paths and colour codes replaced by placeholders.
 */
export function normaliseError(error: string): string {
  return firstLine(error, 400)
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b[0-9a-f]{12,}\b/gi, '<hex>')
    .replace(TEMP_PATH, '<tmp>')
    .replace(/\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, 'N')
    .replace(/\s+/g, ' ')
    .replace(/\.$/, '')
    .trim()
}

/**
 * A step reduced the same way, except for numbers: they tell steps apart (`test "case 3"` and
 * `test "case 4"` are two tests), where in an error they are the values that changed.
 */
export function normaliseStep(step: string): string {
  return step
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(TEMP_PATH, '<tmp>')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The outstanding-questions fingerprint: the failing step plus its normalised error. */
export function questionFingerprint(step: string, error: string): string {
  return createHash('sha256')
    .update(`${normaliseStep(step)}\n${normaliseError(error)}`)
    .digest('hex')
    .slice(0, 12)
}

/** Paths under the usual temp folders: they differ on every run. */
const TEMP_PATH = /(?:\/tmp|\/private\/var\/folders|\/var\/folders|[A-Za-z]:\\[^\s]*\\Temp)[^\s'"`),;]*/g

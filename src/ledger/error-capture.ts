import { appendJsonLines } from '../foundation/redact/append-json-lines.ts'

/** One error-capture block, as appended to `.codex/errors.ndjson`. */
export interface ErrorBlock {
  ts: string
  session_id: string
  step: string
  error: string
  context: string
}

/** The question a block is rendered as (the seeds' template, word for word). */
export function renderQuestion(block: Pick<ErrorBlock, 'step' | 'error' | 'context'>): string {
  return `While performing ${block.step}, encountered the following error: ${block.error}. Context: ${block.context}. What are the possible causes, and how can this be resolved while preserving intended functionality?`
}

/**
 * Builds a block; `error` is reduced to its first line (the stack stays in test_results). Not
 * masked here: the sinks it goes to (the ledger, `appendErrorBlocks`) mask it on the way in.
 */
export function errorBlock(sessionId: string, step: string, error: string, context: string): ErrorBlock {
  const firstLine = error.split('\n').find((l) => l.trim().length > 0) ?? error
  return {
    ts: new Date().toISOString(),
    session_id: sessionId,
    step,
    error: firstLine.trim().replace(/\.$/, ''),
    context,
  }
}

/** Appends blocks to the error log, one masked JSON line each. */
export function appendErrorBlocks(path: string, blocks: readonly ErrorBlock[]): void {
  appendJsonLines(path, blocks)
}

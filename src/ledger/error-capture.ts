import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { redactText } from '../foundation/redact/redact.ts'

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

/** Builds a redacted block; `error` is reduced to its first line (the stack stays in test_results). */
export function errorBlock(
  sessionId: string,
  step: string,
  error: string,
  context: string,
  envSecrets?: readonly string[],
): ErrorBlock {
  const firstLine = error.split('\n').find((l) => l.trim().length > 0) ?? error
  return {
    ts: new Date().toISOString(),
    session_id: sessionId,
    step: redactText(step, envSecrets),
    error: redactText(firstLine.trim().replace(/\.$/, ''), envSecrets),
    context: redactText(context, envSecrets),
  }
}

/** Appends blocks to the error log, one JSON line each. */
export function appendErrorBlocks(path: string, blocks: readonly ErrorBlock[]): void {
  if (blocks.length === 0) return
  mkdirSync(dirname(path), { recursive: true })
  appendFileSync(path, blocks.map((b) => `${JSON.stringify(b)}\n`).join(''))
}

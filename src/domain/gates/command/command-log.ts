import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../../../foundation/fs/write-file-atomic.ts'
import { redactText } from '../../../foundation/redact/redact.ts'
import type { ArtifactMeta, EventMeta } from '../../../ledger/ledger-meta.ts'

/** One run of the command (a batch, when files are passed in batches). */
export interface CommandOutput {
  argv: readonly string[]
  code: number | null
  ms: number
  stdout: string
  stderr: string
}

/** Characters of output the ledger event keeps (its tail); the log artifact keeps it all. */
export const EVENT_OUTPUT_CHARS = 4000

/**
 * The tool's output for the report, secrets masked (src/foundation/redact): an event with each
 * batch's exit code, time and the output's tail, and — when `reportsDir` is given — the whole
 * output as `reports/commands/<gate>.log`, recorded as an artifact.
 */
export function commandLog(
  gate: string,
  outputs: readonly CommandOutput[],
  status: string,
  reportsDir: string | undefined,
): { events: EventMeta[]; artifacts: ArtifactMeta[] } {
  const text = redactText(
    outputs
      .map(
        (o) =>
          `$ ${o.argv.join(' ')}\n${o.stdout}${o.stderr ? `${o.stdout.endsWith('\n') || !o.stdout ? '' : '\n'}${o.stderr}` : ''}\n[exit ${o.code ?? 'killed'} in ${Math.round(o.ms)} ms]\n`,
      )
      .join('\n'),
  )
  const events: EventMeta[] = [
    {
      role: 'tool',
      level: status === 'failed' ? 'error' : 'info',
      message: `${gate}: ${outputs.length} run(s), exit ${outputs.map((o) => o.code ?? 'killed').join(',')}`,
      data: {
        gate,
        runs: outputs.map((o) => ({ argc: o.argv.length, exit: o.code, ms: Math.round(o.ms) })),
        output_tail: text.slice(-EVENT_OUTPUT_CHARS),
      },
    },
  ]
  if (!reportsDir) return { events, artifacts: [] }
  const dir = join(reportsDir, 'commands')
  const path = join(dir, `${gate.replace(/[^A-Za-z0-9_.-]+/g, '_')}.log`)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileAtomic(path, text)
  } catch {
    return { events, artifacts: [] } // the event still has the tail
  }
  return {
    events,
    artifacts: [
      {
        kind: 'command-log',
        path,
        sha256: createHash('sha256').update(text).digest('hex'),
        bytes: Buffer.byteLength(text),
      },
    ],
  }
}

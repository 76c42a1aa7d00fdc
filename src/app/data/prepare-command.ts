import { randomUUID } from 'node:crypto'
import { loadDatasetConfig } from '../../domain/data/dataset-config.ts'
import { prepareDataset } from '../../domain/data/prepare-dataset.ts'
import { parseArgs } from '../../foundation/cli/parse-args.ts'
import { errorMessage, UserError } from '../../foundation/errors/user-error.ts'
import { isLedgerFileError } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { sessionStartRow } from '../../ledger/session-info.ts'

export const PREPARE_USAGE = `prepare options:
  --config FILE     a dataset config (configs/schemas/dataset.schema.json), e.g. configs/datasets/tiny-stories.json
  --skip-invalid    count, log and skip records that fail the schema (overrides the config)
  --bypass-safety   skip the safety filter; recorded in the manifest and as a warn event in the ledger
  --force           prepare again even when an identical prepared copy exists
  --ledger PATH     ledger to record the manifest in (default: CODEX_LEDGER or .codex/session_logs.db)`

/** Where the command writes: results to `out`, progress and warnings to `err`. */
export interface PrepareIo {
  out: (text: string) => void
  err: (text: string) => void
}

/**
 * `npm run eval -- prepare`: prepares a dataset (or reuses it) and records the manifest artifact
 * and its warnings in the ledger under a session of kind `prepare`. Returns the exit code.
 */
export async function prepareCommand(
  argv: string[],
  io: PrepareIo,
  command = 'npm run eval -- prepare',
): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    {
      config: { type: 'string' },
      'skip-invalid': { type: 'boolean', default: false },
      'bypass-safety': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      ledger: { type: 'string' },
    },
    command,
  )
  if (values.help) {
    io.out(`usage: ${command} --config FILE [options]\n\n${PREPARE_USAGE}\n`)
    return 0
  }
  if (positionals.length > 0) {
    throw new UserError(
      'BAD_FLAG',
      `${command}: unexpected argument "${positionals[0]}"`,
      'pass the config with --config FILE',
    )
  }
  if (!values.config) {
    throw new UserError(
      'BAD_FLAG',
      `${command}: --config FILE is required`,
      `e.g. ${command} --config configs/datasets/tiny-stories.json`,
    )
  }
  const config = loadDatasetConfig(values.config as string)
  if (values['skip-invalid']) config.skip_invalid = true
  if (values['bypass-safety']) config.safety = { ...config.safety, bypass: true }
  const prepared = await prepareDataset(config, { force: values.force as boolean, log: (line) => io.err(`${line}\n`) })
  const m = prepared.manifest
  const splits = Object.entries(m.splits)
    .map(([name, s]) => `${name}=${s.records}`)
    .join(' ')
  io.out(
    `${prepared.cached ? 'reused' : 'prepared'} ${m.name}: ${m.records.kept} records (${splits}) in ${prepared.dir}\n`,
  )
  if (m.tokenizer) io.out(`tokenizer ${m.tokenizer.id} (${m.tokenizer.kind}, vocab ${m.tokenizer.vocab_size})\n`)
  for (const event of prepared.events) io.err(`warning: ${event.message}\n`)

  const ledgerPath = resolveLedgerPath(values.ledger as string | undefined)
  try {
    const ledger = openLedger(ledgerPath)
    try {
      const sessionId = randomUUID()
      const session = {
        ...sessionStartRow({ id: sessionId, kind: 'prepare', command, argv }),
        status: 'passed',
        ended_at: new Date().toISOString(),
      }
      ledger.write([{ rid: randomUUID(), table: 'sessions', row: session }, ...prepared.ledgerRecords(sessionId)])
      io.out(`recorded in ${ledgerPath} (session ${sessionId})\n`)
    } finally {
      ledger.close()
    }
  } catch (error) {
    if (error instanceof UserError && !isLedgerFileError(error)) throw error
    // The dataset is prepared; a ledger that cannot be written must not undo that.
    io.err(`warning: could not record the manifest in ${ledgerPath}: ${errorMessage(error)}\n`)
  }
  return 0
}

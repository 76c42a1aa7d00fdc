import { randomUUID } from 'node:crypto'
import { loadDatasetConfig } from '../../domain/data/dataset-config.ts'
import { prepareDataset } from '../../domain/data/prepare-dataset.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { errorMessage, UserError } from '../../foundation/errors/user-error.ts'
import { isLedgerFileError } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { sessionStartRow } from '../../ledger/session-info.ts'

/**
 * `npm run train -- prepare`: prepares a dataset (or reuses it) and records the manifest artifact
 * and its warnings in the ledger under a session of kind `prepare`. Returns the exit code.
 */
export const prepareCommand = defineCommand({
  name: 'prepare',
  summary: 'prepare a dataset: schema check, safety filter, splits, tokenizer, manifest',
  description: `Streams the records a dataset config names through their schema and the safety policy, splits
them by content (a seeded hash), builds the tokenizer and writes the splits with a manifest
under the config's artifacts_dir. An unchanged input is reused, not prepared again. The manifest
and its warnings are recorded in the ledger under a session of kind prepare. What each step
guarantees: configs/datasets/README.md.`,
  options: {
    config: {
      type: 'string',
      valueName: 'file',
      description: 'a dataset config (configs/schemas/dataset.schema.json), e.g. configs/datasets/tiny-stories.json',
    },
    'skip-invalid': {
      type: 'boolean',
      description: 'count, log and skip records that fail the schema (overrides the config)',
    },
    'bypass-safety': {
      type: 'boolean',
      description: 'skip the safety filter; recorded in the manifest and as a warn event in the ledger',
    },
    force: { type: 'boolean', description: 'prepare again even when an identical prepared copy exists' },
    ledger: {
      type: 'string',
      valueName: 'path',
      description: 'ledger to record the manifest in (default: CODEX_LEDGER or .codex/session_logs.db)',
    },
  },
  examples: ['--config configs/datasets/tiny-stories.json', '--config configs/datasets/tiny-qa.json --force'],
  run: async ({ options: values, argv, io, path }) => {
    if (!values.config) {
      throw new UserError(
        'BAD_FLAG',
        `${path}: --config FILE is required`,
        `e.g. ${path} --config configs/datasets/tiny-stories.json`,
      )
    }
    const config = loadDatasetConfig(values.config)
    if (values['skip-invalid']) config.skip_invalid = true
    if (values['bypass-safety']) config.safety = { ...config.safety, bypass: true }
    const prepared = await prepareDataset(config, {
      force: values.force === true,
      log: (line) => io.stderr(`${line}\n`),
    })
    const m = prepared.manifest
    const splits = Object.entries(m.splits)
      .map(([name, s]) => `${name}=${s.records}`)
      .join(' ')
    io.stdout(
      `${prepared.cached ? 'reused' : 'prepared'} ${m.name}: ${m.records.kept} records (${splits}) in ${prepared.dir}\n`,
    )
    if (m.tokenizer) io.stdout(`tokenizer ${m.tokenizer.id} (${m.tokenizer.kind}, vocab ${m.tokenizer.vocab_size})\n`)
    for (const event of prepared.events) io.stderr(`warning: ${event.message}\n`)

    const ledgerPath = resolveLedgerPath(values.ledger, io.env)
    try {
      const ledger = openLedger(ledgerPath)
      try {
        const sessionId = randomUUID()
        const session = {
          ...sessionStartRow({ id: sessionId, kind: 'prepare', command: path, argv }),
          status: 'passed',
          ended_at: new Date().toISOString(),
        }
        ledger.write([{ rid: randomUUID(), table: 'sessions', row: session }, ...prepared.ledgerRecords(sessionId)])
        io.stdout(`recorded in ${ledgerPath} (session ${sessionId})\n`)
      } finally {
        ledger.close()
      }
    } catch (error) {
      if (error instanceof UserError && !isLedgerFileError(error)) throw error
      // The dataset is prepared; a ledger that cannot be written must not undo that.
      io.stderr(`warning: could not record the manifest in ${ledgerPath}: ${errorMessage(error)}\n`)
    }
    return 0
  },
})

import { existsSync } from 'node:fs'
import {
  type CommandContext,
  type CommandDef,
  defineCommand,
  type OptionDefs,
  type PositionalDef,
} from '../../foundation/cli/define-command.ts'
import { formatTable, type TableRow } from '../../foundation/cli/format-table.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { isWritable } from '../../foundation/fs/is-writable.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { withLedgerErrors } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { openLedger } from '../../ledger/open-ledger.ts'

/**
 * How a verb opens the ledger. `read` (the default): read-only when the file is not writable, so
 * queries work on a ledger the user made read-only; `write`: a read-only ledger is exit 2 with the
 * chmod that fixes it. `reapAborted: false` leaves `running` sessions alone.
 */
export interface OpenMode {
  mode?: 'read' | 'write'
  reapAborted?: boolean
}

/** A `ledger` verb: a command whose run gets the ledger, opened on first use and always closed. */
export interface LedgerVerb<O extends OptionDefs> {
  name: string
  summary: string
  options?: O
  positionals?: readonly PositionalDef[]
  examples?: readonly string[]
  open?: OpenMode
  run: (ledger: () => Ledger, context: CommandContext<O>) => number | Promise<number>
}

/** The `--json` switch most verbs take. */
export const JSON_OPTION = { json: { type: 'boolean', description: 'print JSON for machines' } } as const

/** `--host`: one machine's rows of a team ledger. */
export const HOST_OPTION = {
  host: { type: 'string', valueName: 'name', description: 'only tests run on this host (team ledgers)' },
} as const

/**
 * Declares a verb of `ledger`: the ledger at CODEX_LEDGER (or the default path) opens lazily;
 * a ledger that is a directory, garbage, truncated or read-only is exit 2 with the fix, at open or
 * at the first query that reaches a damaged page.
 */
export function ledgerVerb<O extends OptionDefs>(verb: LedgerVerb<O>): CommandDef<O> {
  return defineCommand<O>({
    name: verb.name,
    summary: verb.summary,
    ...(verb.options ? { options: verb.options } : {}),
    ...(verb.positionals ? { positionals: verb.positionals } : {}),
    ...(verb.examples ? { examples: verb.examples } : {}),
    run: async (context) => {
      const path = resolveLedgerPath(undefined, context.io.env)
      let opened: Ledger | undefined
      const ledger = () => {
        opened ??= openFor(path, verb.open ?? {})
        return opened
      }
      try {
        return await withLedgerErrors(path, () => verb.run(ledger, context))
      } finally {
        opened?.close()
      }
    },
  })
}

/** Writes `text` to stdout as one or more whole lines (the newline a message lacks added). */
export function print(io: Io, text: string): void {
  io.stdout(text.endsWith('\n') ? text : `${text}\n`)
}

/** Prints `rows` as indented JSON with `--json`, else as a table of `toRow` of each; exit 0. */
export function printRows<R>(
  io: Io,
  json: boolean | undefined,
  rows: readonly R[],
  toRow: (row: R) => TableRow,
): number {
  if (json) return printJson(io, rows)
  print(io, formatTable(rows.map(toRow)))
  return 0
}

/** Prints `value` as indented JSON; exit 0. */
export function printJson(io: Io, value: unknown): number {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`)
  return 0
}

// --- internal ---

/** Opens the ledger for a verb: read-only where the file is and the verb only reads. */
function openFor(path: string, open: OpenMode): Ledger {
  const readonly = open.mode !== 'write' && path !== ':memory:' && existsSync(path) && !isWritable(path)
  return openLedger(path, { readonly, ...(open.reapAborted === false ? { reapAborted: false } : {}) })
}

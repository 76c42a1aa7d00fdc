import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { openReadonly } from '../../domain/report/render-report.ts'
import { statusDocument } from '../../domain/report/status-document.ts'
import { parseArgs } from '../../foundation/cli/parse-args.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { withLedgerErrorsSync } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath, sidecarPaths } from '../../ledger/ledger-path.ts'

/** Where the status document goes by default. */
export const STATUS_PATH = join('reports', 'status', 'STATUS.md')

export const STATUS_HELP = `usage: npm run status -- [options]

Writes the status-update document ${STATUS_PATH}: repo map, placeholder scan (from the
placeholders gate), capability table (each project and gate, latest verdict and date), the
outstanding-questions ledger (Open / Resolved), and deferred items. It reads only the ledger and
the tree: with no new session, regenerating gives a byte-identical file.

  --out FILE        output file (default ${STATUS_PATH})
  --ledger PATH     ledger file (default CODEX_LEDGER or .codex/session_logs.db)
  --root DIR        repository root for the repo map (default: the working directory)
  -h, --help        this help
`

const OPTIONS = { out: { type: 'string' }, ledger: { type: 'string' }, root: { type: 'string' } } as const

/** `npm run status`: writes STATUS.md and says whether it changed. */
export function statusCommand(argv: string[]): number {
  const { values, positionals } = parseArgs(argv, OPTIONS, 'npm run status --')
  if (values.help) {
    process.stdout.write(STATUS_HELP)
    return 0
  }
  if (positionals.length > 0) {
    throw new UserError(
      'BAD_USAGE',
      `npm run status: unexpected argument "${positionals[0]}"`,
      'see `npm run status -- --help`',
    )
  }
  const ledgerPath = resolveLedgerPath(values.ledger)
  const out = values.out ?? STATUS_PATH
  // A ledger that is a directory, garbage, truncated or read-only: exit 2 naming it and the fix.
  const text = withLedgerErrorsSync(ledgerPath, () => {
    const ledger = openReadonly(ledgerPath)
    try {
      return statusDocument(ledger, { root: values.root ?? process.cwd(), errorsPath: sidecarPaths(ledgerPath).errors })
    } finally {
      ledger.close()
    }
  })
  if (existsSync(out) && readFileSync(out, 'utf8') === text) {
    process.stdout.write(`${out} is up to date (no new sessions since it was written)\n`)
    return 0
  }
  mkdirSync(dirname(out), { recursive: true })
  writeFileAtomic(out, text)
  process.stdout.write(`wrote ${out}\n`)
  return 0
}

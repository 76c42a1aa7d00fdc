import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { openReadonly } from '../../domain/report/render-report.ts'
import { statusDocument } from '../../domain/report/status-document.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { withLedgerErrorsSync } from '../../ledger/ledger-error.ts'
import { resolveLedgerPath, sidecarPaths } from '../../ledger/ledger-path.ts'

/** Where the status document goes by default. */
export const STATUS_PATH = join('reports', 'status', 'STATUS.md')

/** `npm run status`: writes STATUS.md and says whether it changed. */
export const statusCli = defineCommand({
  name: 'npm run status --',
  summary: `write the status-update document ${STATUS_PATH}`,
  description: [
    'Repo map, placeholder scan (from the placeholders gate), capability table (each project and',
    'gate, latest verdict and date), the outstanding-questions ledger (Open / Resolved), and deferred',
    'items. It reads only the ledger and the tree: with no new session, regenerating gives a',
    'byte-identical file.',
  ].join('\n'),
  options: {
    out: { type: 'string', valueName: 'FILE', description: `output file (default ${STATUS_PATH})` },
    ledger: {
      type: 'string',
      valueName: 'PATH',
      description: 'ledger file (default CODEX_LEDGER or .codex/session_logs.db)',
    },
    root: {
      type: 'string',
      valueName: 'DIR',
      description: 'repository root for the repo map (default: the working directory)',
    },
  },
  run: ({ options, io }) => {
    const ledgerPath = resolveLedgerPath(options.ledger, io.env)
    const out = options.out ?? STATUS_PATH
    // A ledger that is a directory, garbage, truncated or read-only: exit 2 naming it and the fix.
    const text = withLedgerErrorsSync(ledgerPath, () => {
      const ledger = openReadonly(ledgerPath)
      try {
        return statusDocument(ledger, { root: options.root ?? io.cwd, errorsPath: sidecarPaths(ledgerPath).errors })
      } finally {
        ledger.close()
      }
    })
    if (existsSync(out) && readFileSync(out, 'utf8') === text) {
      io.stdout(`${out} is up to date (no new sessions since it was written)\n`)
      return 0
    }
    mkdirSync(dirname(out), { recursive: true })
    writeFileAtomic(out, text)
    io.stdout(`wrote ${out}\n`)
    return 0
  },
})

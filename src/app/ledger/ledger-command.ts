import { defineCommand } from '../../foundation/cli/define-command.ts'
import { type Io, processIo } from '../../foundation/cli/io.ts'
import { runCommand } from '../../foundation/cli/run-command.ts'
import { INSTALLED } from '../../foundation/cli/user-command.ts'
import { exportVerb, importVerb, migrateVerb, pathVerb, ungatedVerb, vacuumVerb } from './file-verbs.ts'
import { mergeVerb } from './merge-verb.ts'
import { failuresVerb, flakyVerb, questionsVerb, sessionsVerb, showVerb } from './query-verbs.ts'

/** `ledger <verb>`: query, export, import and maintain the session ledger. */
export const ledgerCommand = defineCommand({
  name: INSTALLED ? 'npx codex-gates ledger' : 'npm run ledger --',
  summary: 'the session ledger (CODEX_LEDGER overrides its path; `path` prints it)',
  description: 'Every verb takes --help; most take --json.',
  subcommands: {
    sessions: sessionsVerb,
    show: showVerb,
    failures: failuresVerb,
    flaky: flakyVerb,
    merge: mergeVerb,
    questions: questionsVerb,
    export: exportVerb,
    import: importVerb,
    migrate: migrateVerb,
    vacuum: vacuumVerb,
    ungated: ungatedVerb,
    path: pathVerb,
  },
})

/** Runs `ledger <argv…>` through the kit; returns the exit code. */
export function ledgerCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  return runCommand(ledgerCommand, argv, io)
}

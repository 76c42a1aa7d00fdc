import { defineCommand, lazyCommand } from '../../foundation/cli/define-command.ts'

/**
 * `codex-gates`: the one command line of the package (`bin`). Each verb's module loads only when
 * that verb runs, so `codex-gates hook pre-commit` never pays for the ledger CLI or Vitest.
 */
export const codexGates = defineCommand({
  name: 'codex-gates',
  summary: 'offline, local CI gates for ML repositories: every run and finding in one SQLite ledger',
  description: [
    'Run it inside the repository to gate (its git root is used; --root picks another).',
    'Start with `codex-gates init`, then `codex-gates run`.',
  ].join('\n'),
  subcommands: {
    init: lazyCommand(
      'set codex-gates up in this repository: config, hooks, baselines',
      async () => (await import('../init/init-command.ts')).initCommand,
    ),
    run: lazyCommand(
      "run the repository's gates (the Vitest project `gates`); results in the ledger",
      async () => (await import('./run-gates.ts')).runCommandDef,
    ),
    merge: lazyCommand(
      "merge the shards' blob reports (codex-gates run --shard) into one ledger session",
      async () => (await import('./merge-shards.ts')).mergeCommand,
    ),
    'plan-shards': lazyCommand(
      'pack test files into N shards by their recorded durations (for run --shard i/N --balanced)',
      async () => (await import('./plan-shards.ts')).planShardsCommand,
    ),
    scan: lazyCommand(
      'run one gate outside Vitest and print its findings (--json, --sarif)',
      async () => (await import('../gates/scan-command.ts')).scanCommand,
    ),
    baseline: lazyCommand(
      "accept today's findings of a ratchet gate; only new ones fail",
      async () => (await import('../gates/baseline-command.ts')).baselineCommand,
    ),
    manifest: lazyCommand(
      'record file digests for the integrity gate',
      async () => (await import('../gates/manifest-command.ts')).manifestCommand,
    ),
    hook: lazyCommand(
      'what the git hooks run: pre-commit, post-commit, pre-push, gate REV',
      async () => (await import('../hook/hook-command.ts')).hookCommand,
    ),
    ledger: lazyCommand(
      'query, export, import, migrate the session ledger',
      async () => (await import('../ledger/ledger-command.ts')).ledgerCommand,
    ),
    report: lazyCommand(
      'render reports/latest/ from the ledger',
      async () => (await import('../report/report-command.ts')).reportCli,
    ),
    status: lazyCommand(
      'render reports/status/STATUS.md from the ledger',
      async () => (await import('../report/status-command.ts')).statusCli,
    ),
  },
})

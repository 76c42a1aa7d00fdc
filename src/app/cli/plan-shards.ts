import { mkdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { planShards } from '../../domain/shards/shard-plan.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { fileDurations } from '../../ledger/file-durations.ts'
import { DEFAULT_LEDGER_PATH, resolveLedgerPath } from '../../ledger/ledger-path.ts'
import { openLedger } from '../../ledger/open-ledger.ts'
import { gatedRoot } from './gated-root.ts'
import { DEFAULT_PLAN } from './run-shard.ts'

/**
 * `codex-gates plan-shards N`: today's test files (as the repository's Vitest config globs them)
 * packed into N shards, longest first into the lightest, by their mean duration over the last K
 * sessions in the ledger; a file without history counts as the median. Vitest itself shards by
 * file count (duration-aware sharding is vitest#9184).
 */
export const planShardsCommand = defineCommand({
  name: 'plan-shards',
  summary: 'pack test files into N shards by their recorded durations (for run --shard i/N --balanced)',
  positionals: [{ name: 'n', description: 'how many shards', required: true }],
  options: {
    root: { type: 'string', valueName: 'dir', description: 'the repository (default: the git root here)' },
    sessions: { type: 'integer', default: 5, valueName: 'k', description: 'durations from the last k sessions' },
    project: { type: 'string', multiple: true, valueName: 'name', description: 'only this Vitest project' },
    out: { type: 'string', valueName: 'file', description: 'where the plan goes (default .codex/shard-plan.json)' },
    json: { type: 'boolean', description: 'print the plan as JSON' },
  },
  examples: ['4', '4 --sessions 10 --project unit'],
  run: async ({ options, positionals, io }) => {
    const n = Number(positionals[0])
    if (!Number.isInteger(n) || n < 1)
      throw new UserError(
        'BAD_USAGE',
        `plan-shards ${positionals[0]}: N must be a whole number ≥ 1`,
        'e.g. plan-shards 4',
      )
    const root = gatedRoot(io.cwd, options.root)
    const files = await testFiles(root, options.project)
    const ledgerPath = resolveLedgerPath(envValue('CODEX_LEDGER', io.env) ?? join(root, DEFAULT_LEDGER_PATH), io.env)
    const ledger = openLedger(ledgerPath, { readonly: true, reapAborted: false })
    const history = new Map<string, number>()
    try {
      for (const d of fileDurations(ledger, options.sessions, options.project))
        history.set(d.file, (history.get(d.file) ?? 0) + d.durationMs)
    } finally {
      ledger.close()
    }
    const plan = planShards(files, history, n, options.sessions)
    const out = resolve(root, options.out ?? DEFAULT_PLAN)
    mkdirSync(dirname(out), { recursive: true })
    writeFileAtomic(out, `${JSON.stringify(plan, null, 2)}\n`)
    if (options.json) io.stdout(`${JSON.stringify(plan, null, 2)}\n`)
    else {
      for (const [i, s] of plan.shards.entries())
        io.stdout(
          ` shard ${i + 1}/${n}  ${String(s.files.length).padStart(4)} files  ~${(s.estimatedMs / 1000).toFixed(1)} s\n`,
        )
      io.stdout(
        `\n critical path ~${(plan.estimatedMs / 1000).toFixed(1)} s (bound ${(plan.lowerBoundMs / 1000).toFixed(1)} s); ` +
          `${plan.newFiles.length} file(s) without history at the median ${(plan.medianMs / 1000).toFixed(2)} s\n` +
          ` plan written to ${relative(io.cwd, out) || out}; run each shard with --shard i/${n} --balanced\n`,
      )
    }
    return EXIT.ok
  },
})

// --- internal ---

/** The repository's test files, repo-relative, as its Vitest config selects them. */
async function testFiles(root: string, projects: readonly string[]): Promise<string[]> {
  const { loadVitest } = await import('./load-vitest.ts')
  const { node } = await loadVitest(root)
  const vitest = await node.createVitest('test', {
    root,
    watch: false,
    reporters: [],
    ...(projects.length ? { project: [...projects] } : {}),
  })
  try {
    const specs = await vitest.globTestSpecifications()
    return [...new Set(specs.map((s) => relative(root, s.moduleId).split('\\').join('/')))].sort()
  } finally {
    await vitest.close()
  }
}

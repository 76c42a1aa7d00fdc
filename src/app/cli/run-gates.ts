import { GATE_NAMES, type GateName, type GatesConfig, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { cachedGateRun, type GateRun } from '../../domain/gates/run-gate.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { nearest } from '../../foundation/cli/nearest.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'
import { gatedRoot } from './gated-root.ts'

/** `codex-gates run`: every enabled gate of the repository, as the Vitest project `gates`. */
export const runCommandDef = defineCommand({
  name: 'run',
  summary: "run the repository's gates (the Vitest project `gates`); results in the ledger",
  description: [
    'When every selected gate is skipped or its inputs are unchanged since it last passed, the',
    'run is recorded from the result cache without starting Vitest; otherwise Vitest runs the',
    'gates that need it and the session records the reused ones beside them.',
  ].join('\n'),
  options: {
    root: { type: 'string', valueName: 'dir', description: 'the repository to gate (default: the git root here)' },
    'no-cache': {
      type: 'boolean',
      description: 'run gates whose inputs are unchanged instead of reusing their result',
    },
    gate: { type: 'string', multiple: true, valueName: 'name', description: 'run only this gate (repeatable)' },
  },
  examples: ['', '--gate secrets --gate docs-links', '--root ../other-repo'],
  run: async ({ options, io }) => {
    const root = gatedRoot(io.cwd, options.root)
    const config = loadGatesConfig(root, io.env) // a bad config is exit 2 before anything runs
    const names = selectedGates(options.gate)
    const noCache = options['no-cache'] || envValue('CODEX_GATES_NO_CACHE', io.env) === '1'
    const known = noCache ? [] : await reusable(names, root, config, io.env)
    const missing = names.filter((_, i) => !known[i])
    const reused = known.filter((r): r is GateRun => r !== undefined)
    if (missing.length === 0) return recordWithoutVitest(root, config, reused, io)
    return runVitest(root, config, missing, reused, noCache, io)
  },
})

// --- internal ---

function selectedGates(asked: readonly string[]): GateName[] {
  if (asked.length === 0) return [...GATE_NAMES]
  for (const name of asked) {
    if (!(GATE_NAMES as readonly string[]).includes(name)) {
      const close = nearest(name, GATE_NAMES)
      throw new UserError(
        'BAD_FLAG',
        `codex-gates run: --gate ${name}: no such gate`,
        `${close ? `did you mean --gate ${close}? ` : ''}gates: ${GATE_NAMES.join(', ')}`,
      )
    }
  }
  return [...new Set(asked)] as GateName[]
}

/** Each gate's result if it needs no scan (skipped, or cached from a passed run), else undefined. */
function reusable(names: readonly GateName[], root: string, config: GatesConfig, env: NodeJS.ProcessEnv) {
  return Promise.all(names.map((name) => cachedGateRun(name, { root, config, env })))
}

async function recordWithoutVitest(root: string, config: GatesConfig, runs: GateRun[], io: Io): Promise<number> {
  const [{ recordCachedRun, specFileIn }, { gateSpecsDir }] = await Promise.all([
    import('./record-cached-run.ts'),
    import('../../adapters/vitest/gates-project.ts'),
  ])
  const specs = gateSpecsDir()
  const sessionId = recordCachedRun({
    root,
    runs,
    files: config.files,
    specFile: specFileIn(root, specs.dir, specs.include[0]?.endsWith('.js') ? 'js' : 'ts'),
    argv: process.argv.slice(2),
    warn: (line) => io.stderr(`${line}\n`),
    env: io.env,
  })
  for (const run of runs) {
    const what =
      run.status === 'skipped'
        ? `skipped: ${run.reason}`
        : `unchanged since session ${run.cachedFrom?.slice(0, 8) ?? '?'}`
    io.stdout(` ${run.status === 'skipped' ? '↓' : '✓'} ${run.gate} (${what})\n`)
  }
  const skipped = runs.filter((r) => r.status === 'skipped').length
  io.stdout(
    `\n gates  ${runs.length - skipped} passed (reused) | ${skipped} skipped — every input unchanged, nothing to scan; session ${sessionId.slice(0, 8)}\n`,
  )
  await renderReports(root, sessionId, io)
  return EXIT.ok
}

async function runVitest(
  root: string,
  config: GatesConfig,
  missing: GateName[],
  reused: GateRun[],
  noCache: boolean,
  io: Io,
): Promise<number> {
  const [{ loadVitest }, { gatesProject, gateSpecsDir }, reporterModule, { gateRunCase, specFileIn }] =
    await Promise.all([
      import('./load-vitest.ts'),
      import('../../adapters/vitest/gates-project.ts'),
      import('../../adapters/reporter/ledger-reporter.ts'),
      import('./record-cached-run.ts'),
    ])
  const env: Record<string, string> = { GATES_ROOT: root }
  if (noCache) env.CODEX_GATES_NO_CACHE = '1'
  const specs = gateSpecsDir()
  const specFile = specFileIn(root, specs.dir, specs.include[0]?.endsWith('.js') ? 'js' : 'ts')
  const { node } = await loadVitest(root)
  const reporter = new reporterModule.default({
    preRecorded: reused.map((r) => gateRunCase(r, specFile(r.gate), config.files)),
  })
  if (reused.length > 0) io.stdout(` reused from the cache: ${reused.map((r) => r.gate).join(', ')}\n`)
  const before = process.exitCode
  process.exitCode = undefined
  const vitest = await node.startVitest(
    'test',
    missing.map((g) => `${g}.gate.`),
    { root, config: false, watch: false, project: ['gates'], reporters: ['default', reporter] },
    { test: { projects: [gatesProject(root, { env })] } },
  )
  await vitest?.close()
  const code = process.exitCode ?? (vitest ? EXIT.ok : EXIT.failed)
  process.exitCode = before
  return Number(code)
}

async function renderReports(root: string, sessionId: string, io: Io): Promise<void> {
  if (envValue('CODEX_REPORTS', io.env) === '0') return
  const [{ renderAfterRun }, { resolveLedgerPath, DEFAULT_LEDGER_PATH }, { join }] = await Promise.all([
    import('../../domain/report/render-after-run.ts'),
    import('../../ledger/ledger-path.ts'),
    import('node:path'),
  ])
  const ledgerPath = resolveLedgerPath(envValue('CODEX_LEDGER', io.env) ?? join(root, DEFAULT_LEDGER_PATH), io.env)
  const result = renderAfterRun({
    ledgerPath,
    sessionId,
    reportsDir: envValue('CODEX_REPORTS_DIR', io.env) ?? join(root, 'reports'),
  })
  if (!result.ok) io.stderr(`codex-gates: reports not rendered: ${result.error}\n`)
}

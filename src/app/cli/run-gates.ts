import LedgerReporter from '../../adapters/reporter/ledger-reporter.ts'
import { gatesProject } from '../../adapters/vitest/gates-project.ts'
import { GATE_STAGES } from '../../domain/gates/command/command-config.ts'
import { GATE_NAMES, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { gatedRoot } from './gated-root.ts'
import { loadVitest } from './load-vitest.ts'

/** `codex-gates run`: every enabled gate of the repository, as the Vitest project `gates`. */
export const runCommandDef = defineCommand({
  name: 'run',
  summary: "run the repository's gates (the Vitest project `gates`); results in the ledger",
  options: {
    root: { type: 'string', valueName: 'dir', description: 'the repository to gate (default: the git root here)' },
    'no-cache': {
      type: 'boolean',
      description: 'run gates whose inputs are unchanged instead of reusing their result',
    },
    gate: { type: 'string', multiple: true, valueName: 'name', description: 'run only this gate (repeatable)' },
    stage: {
      type: 'string',
      valueName: 'stage',
      description: 'which command gates and pre-commit hooks run: ci (default), push, commit or manual',
    },
  },
  examples: ['', '--gate secrets --gate docs-links', '--root ../other-repo'],
  run: async ({ options, io }) => {
    const root = gatedRoot(io.cwd, options.root)
    loadGatesConfig(root, io.env) // a bad config is exit 2 before Vitest starts
    const env: Record<string, string> = { GATES_ROOT: root }
    if (options['no-cache']) env.CODEX_GATES_NO_CACHE = '1'
    if (options.stage !== undefined) {
      if (!(GATE_STAGES as readonly string[]).includes(options.stage)) {
        throw new UserError('BAD_FLAG', `--stage ${options.stage}: not a stage`, `use one of ${GATE_STAGES.join(', ')}`)
      }
      env.CODEX_GATES_STAGE = options.stage
    }
    const { node } = await loadVitest(root)
    const reporter = new LedgerReporter()
    // Built-in gates are files of their own; command gates and hooks are tests of commands.gate.
    const builtIn = new Set<string>(GATE_NAMES)
    const filters = [...new Set(options.gate.map((g) => (builtIn.has(g) ? `${g}.gate.` : 'commands.gate.')))]
    const names = options.gate.map((g) => g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    const before = process.exitCode
    process.exitCode = undefined
    const vitest = await node.startVitest(
      'test',
      filters,
      {
        root,
        config: false,
        watch: false,
        project: ['gates'],
        reporters: ['default', reporter],
        ...(names.length > 0 ? { testNamePattern: `^(?:${names.join('|')})$` } : {}),
      },
      { test: { projects: [gatesProject(root, { env })] } },
    )
    await vitest?.close()
    const code = process.exitCode ?? (vitest ? EXIT.ok : EXIT.failed)
    process.exitCode = before
    return Number(code)
  },
})

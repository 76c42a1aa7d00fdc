import { GATE_NAMES, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { defineCommand, lazyCommand } from '../../foundation/cli/define-command.ts'
import { renderHelp } from '../../foundation/cli/render-help.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { type RunVitest, spawnVitest } from './spawn-vitest.ts'

/** `codex-gates run` with these flags (a warm run starts no Vitest). */
export type RunGates = (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>

const runGatesFromNpm: RunGates = async (argv, env) =>
  (await import('../cli/run-gates-from-npm.ts')).runGatesFromNpm(argv, env)

/**
 * `npm run gates`, this checkout's gates command: without a verb, every gate as the Vitest project
 * `gates` (flags it does not know go to Vitest: `-t secrets`, `--reporter=verbose`); `scan`,
 * `manifest` and `baseline` are the verbs `codex-gates` has too. Without Vitest flags it is
 * `codex-gates run` (`runGates`), so a warm run records the cached verdicts and starts no Vitest.
 * Both runners are parameters so specs run the command without spawning.
 */
export function gatesCommand(runVitest: RunVitest = spawnVitest, runGates: RunGates = runGatesFromNpm) {
  const command = defineCommand({
    name: 'npm run gates --',
    summary: 'every gate as the Vitest project "gates" (results in the ledger, cached when inputs are unchanged)',
    description: [
      'Without a command, flags other than these go to vitest (e.g. -t secrets, --reporter=verbose):',
      '  --root <dir>   the repository to gate (sets GATES_ROOT; default: this repository)',
      '  --no-cache     re-run gates whose inputs are unchanged instead of reusing their result',
      `gates: ${GATE_NAMES.join(', ')}`,
      'config: codex-gates.json (schema: configs/schemas/codex-gates.schema.json)',
    ].join('\n'),
    passthrough: true,
    subcommands: {
      scan: lazyCommand(
        'run one gate outside Vitest and print its findings (--json, --sarif)',
        async () => (await import('./scan-command.ts')).scanCommand,
      ),
      manifest: lazyCommand(
        'record file digests for the integrity gate (.codex/pre_manifest.json)',
        async () => (await import('./manifest-command.ts')).manifestCommand,
      ),
      baseline: lazyCommand(
        "accept today's findings of a ratchet gate; only new ones fail",
        async () => (await import('./baseline-command.ts')).baselineCommand,
      ),
    },
    examples: ['', '-- -t secrets', '--root ../other-repo --no-cache', 'scan secrets --json'],
    run: async ({ positionals: argv, io, path }) => {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout(renderHelp(command, path))
        return EXIT.ok
      }
      const env: NodeJS.ProcessEnv = { ...io.env }
      const passThrough: string[] = []
      for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] as string
        if (arg === '--no-cache') env.CODEX_GATES_NO_CACHE = '1'
        else if (arg === '--root' || arg.startsWith('--root=')) {
          const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
          if (!value)
            throw new UserError('BAD_FLAG', '--root needs a folder', 'e.g. npm run gates -- --root ../other-repo')
          env.GATES_ROOT = value
        } else passThrough.push(arg)
      }
      // Fail fast with exit 2 on a bad root or config, before Vitest starts a worker per gate.
      const root = gatesRoot(env)
      env.GATES_ROOT = root
      loadGatesConfig(root, env)
      if (passThrough.length === 0)
        return runGates(['--root', root, ...(argv.includes('--no-cache') ? ['--no-cache'] : [])], env)
      return runVitest(['run', '--project', 'gates', ...passThrough], env)
    },
  })
  return command
}

import { HOOK_COMMAND, type HookIo } from '../../adapters/hooks/hook-io.ts'
import { startPreCommit } from '../../adapters/hooks/pre-commit-start.ts'
import { PRE_COMMIT_STEP_NAMES, PRE_PUSH_STEP_NAMES } from '../../adapters/hooks/steps.ts'
import { keepHuskyFast } from '../../foundation/build/husky-runtime.mjs'
import { type AnyCommand, defineCommand } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { renderHelp } from '../../foundation/cli/render-help.ts'
import { runCommand } from '../../foundation/cli/run-command.ts'
import { userCommand } from '../../foundation/cli/user-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { gitRootFast } from '../../foundation/fs/git-root.ts'
import { sinceLaunchMs } from '../../foundation/process/uptime-ms.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { withCaCerts } from './ca-certs.ts'
import { ruffServerCommand } from './ruff-server-command.ts'
import { standbyCommand } from './standby-command.ts'
import { readStdin, withSignals } from './with-signals.ts'

type HookRun = (io: HookIo, positionals: string[]) => Promise<number>
/** Loads a hook's module; given the hook's io, it may start work before that module is loaded. */
type HookLoad = (io: HookIo) => Promise<HookRun>

/**
 * One git hook as a command. Hooks take git's own arguments unparsed (pre-push: remote and URL),
 * so they are passthrough; `--help` still prints their help. HUSKY=0 (husky's own switch) makes a
 * hook do nothing, when called directly too.
 */
function gitHook(name: string, summary: string, load: HookLoad, usage = '') {
  const command: AnyCommand = defineCommand({
    name,
    summary,
    passthrough: true,
    ...(usage ? { positionals: [{ name: usage, description: 'as git gives them', variadic: true }] } : {}),
    run: async ({ positionals, io, path }) => {
      if (positionals.includes('--help') || positionals.includes('-h')) {
        io.stdout(renderHelp(command, path))
        return EXIT.ok
      }
      if (setting('HUSKY', io.env) === false) return EXIT.ok
      return runHook(name, load, positionals, io)
    },
  })
  return command
}

/** `hook <command>`: the git hooks' entry point. Each hook's module loads only when it runs. */
export const hookCommand: AnyCommand = defineCommand({
  name: HOOK_COMMAND,
  summary: 'the git hooks of codex-gates (installed by husky; HUSKY=0 turns them off)',
  description: `Every run is a ledger session: ${userCommand('ledger sessions --kind pre-commit')}`,
  subcommands: {
    'pre-commit': gitHook(
      'pre-commit',
      `read-only gates on the staged content; SKIP=${PRE_COMMIT_STEP_NAMES.join(',')} skips steps`,
      async (io) => {
        // git's processes start first: they run while the hook's code loads.
        const started = startPreCommit(io)
        const { preCommit } = await import('../../adapters/hooks/pre-commit.ts')
        return (hookIo) => preCommit(hookIo, started)
      },
    ),
    'post-commit': gitHook(
      'post-commit',
      'link HEAD to the pre-commit session that passed for its tree, or record a bypass',
      async () => {
        const { postCommit } = await import('../../adapters/hooks/post-commit.ts')
        return async (io) => {
          const code = await postCommit(io)
          // husky's runtime as `npm install` left it, once more without its processes (~8 ms a hook).
          keepHuskyFast(io.cwd)
          return code
        }
      },
    ),
    'pre-push': gitHook(
      'pre-push',
      `refuse ungated commits, then ${userCommand('run')}; SKIP=${PRE_PUSH_STEP_NAMES.join(',')}; CODEX_ALLOW_UNGATED=1`,
      async () => {
        const { prePush } = await import('../../adapters/hooks/pre-push.ts')
        return (io) => prePush(io)
      },
      'remote url (refs on stdin)',
    ),
    gate: defineCommand({
      name: 'gate',
      summary: 'run the pre-commit steps on commits already made (e.g. after --no-verify) and link them',
      positionals: [{ name: 'rev|range', description: 'the commits to gate', variadic: true }],
      examples: ['HEAD', 'origin/main..HEAD'],
      run: async ({ positionals, io, path }) => {
        if (positionals.length === 0)
          throw new UserError('BAD_USAGE', 'gate: which commits?', `e.g. ${path} HEAD or ${path} origin/main..HEAD`)
        const { gateCommits } = await import('../../adapters/hooks/pre-commit.ts')
        return runHook('gate', async () => (hookIo, revs) => gateCommits(hookIo, revs), positionals, io)
      },
    }),
    'ruff-server': ruffServerCommand,
    standby: standbyCommand(() => ({
      runHook: (argv, io) => runCommand(hookCommand, argv, io),
      preload: async () => {
        const { preloadPreCommit, preparePreCommit } = await import('./standby-preload.ts')
        await preloadPreCommit()
        return preparePreCommit
      },
    })),
  },
})

// --- internal ---

/** Runs a hook at the repository's top level, with signals handled and its temp folder removed. */
async function runHook(name: string, load: HookLoad, positionals: string[], io: Io): Promise<number> {
  const top = gitRootFast(io.cwd, io.env) // git runs hooks at the top: usually found without a git process
  if (top === undefined) {
    throw new UserError(
      'NOT_GIT',
      `hook ${name}: ${io.cwd} is not inside a git work tree`,
      'run it inside a repository',
    )
  }
  return withSignals(async (signal, onTempDir, hold) => {
    const hookIo: HookIo = {
      ...io,
      env: withCaCerts(io.env),
      cwd: top,
      argv: positionals,
      signal,
      onTempDir,
      hold,
      elapsed: () => sinceLaunchMs(),
      readStdin: name === 'pre-push' ? readStdin : undefined,
    }
    const run = await load(hookIo)
    return run(hookIo, positionals)
  })
}

import { askStandby } from '../../adapters/hooks/standby-client.cjs'
import { standbyPlace } from '../../adapters/hooks/standby-place.cjs'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { gitRootFast } from '../../foundation/fs/git-root.ts'
import type { StandbyHook } from './standby-serve.ts'

/**
 * `hook standby serve|stop`: the warm pre-commit process a commit leaves for the next one
 * (src/app/hook/standby-serve.ts). `serve` is what the hook starts in the background; `stop` ends
 * this repository's standby (the next commit starts one again, unless CODEX_HOOK_STANDBY=0).
 */
export function standbyCommand(hook: () => StandbyHook) {
  return defineCommand({
    name: 'standby',
    summary:
      'the warm pre-commit process each commit leaves for the next (CODEX_HOOK_STANDBY=0 turns it off): serve | stop',
    positionals: [
      { name: 'serve|stop', description: 'serve: started by the hook itself; stop: end it', required: true },
    ],
    run: async ({ positionals, io, path }) => {
      const action = positionals[0]
      if (action === 'serve') {
        const { serveStandby } = await import('./standby-serve.ts')
        return serveStandby(io, hook())
      }
      if (action === 'stop') return stopStandby(io, path)
      throw new UserError('BAD_USAGE', `${path}: unknown action ${action}`, `use ${path} stop`)
    },
  })
}

// --- internal ---

/** Connects as a launcher that asks for no hook: the standby refuses and exits. */
async function stopStandby(io: Io, path: string): Promise<number> {
  const top = gitRootFast(io.cwd, io.env)
  if (top === undefined)
    throw new UserError('NOT_GIT', `${path}: ${io.cwd} is not inside a git work tree`, 'run it inside a repository')
  if (standbyPlace(top, io.env) === undefined) {
    io.stdout('no hook standby here (no place for its socket)\n')
    return EXIT.ok
  }
  const answer = await askStandby(top, ['stop'], io.env)
  io.stdout(
    answer.ran || answer.why.startsWith('standby refused')
      ? 'stopped the hook standby\n'
      : 'no hook standby was running\n',
  )
  return EXIT.ok
}

import { defineCommand } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'

/**
 * `hook ruff-server status|stop`: the warm ruff servers the commit hook starts (see
 * src/adapters/ruff-server/). Both look at every server socket in this user's folder, this
 * version's and older ones (which exit by themselves once idle).
 */
export const ruffServerCommand = defineCommand({
  name: 'ruff-server',
  summary: "the warm ruff server the pre-commit hook keeps between commits (python-lint's `server` setting)",
  description:
    'The hook starts it when none answers, unless CI is set, CODEX_RUFF_SERVER=0 or python-lint `server: false`; it exits after CODEX_RUFF_SERVER_IDLE_MS without a request (default 15 min).',
  subcommands: {
    status: defineCommand({
      name: 'status',
      summary: 'list the running servers: pid, files served, since when, whether this version talks to it',
      options: { json: { type: 'boolean', description: 'print JSON for machines' } },
      run: async ({ options, io }) => {
        const servers = await listServers(io)
        if (options.json) io.stdout(`${JSON.stringify(servers, null, 2)}\n`)
        else if (servers.length === 0) io.stdout('no warm ruff server is running\n')
        else for (const s of servers) io.stdout(`${describe(s)}\n`)
        return EXIT.ok
      },
    }),
    stop: defineCommand({
      name: 'stop',
      summary: 'stop every running server (the next commit lints in-process and starts a fresh one)',
      run: async ({ io }) => {
        const { stopRuffServers } = await import('../../adapters/ruff-server/ruff-server-admin.ts')
        const stopped = await stopRuffServers(
          socketDir(io, await import('../../adapters/ruff-server/ruff-server-place.ts')),
        )
        io.stdout(
          stopped === 0
            ? 'no warm ruff server was running\n'
            : `stopped ${stopped} warm ruff server${stopped === 1 ? '' : 's'}\n`,
        )
        return EXIT.ok
      },
    }),
  },
})

// --- internal ---

type Place = typeof import('../../adapters/ruff-server/ruff-server-place.ts')
type Listed = Awaited<
  ReturnType<typeof import('../../adapters/ruff-server/ruff-server-admin.ts').listRuffServers>
>[number]

async function listServers(io: Io): Promise<Listed[]> {
  const { listRuffServers } = await import('../../adapters/ruff-server/ruff-server-admin.ts')
  return listRuffServers(socketDir(io, await import('../../adapters/ruff-server/ruff-server-place.ts')))
}

function socketDir(io: Io, place: Place): string {
  const dir = place.ruffServerDir(io.env)
  if ('refused' in dir)
    throw new UserError(
      'RUFF_SERVER_DIR',
      `ruff-server: the socket folder is not safe to use: ${dir.refused}`,
      'remove that folder (or set XDG_RUNTIME_DIR to a folder only you can enter) and commit again',
    )
  return dir.dir
}

function describe(s: Listed): string {
  if (!s.pid) return `${s.socket}: not answering (${s.why})`
  return `pid ${s.pid}: ${s.served} file${s.served === 1 ? '' : 's'} served since ${s.startedAt}, exits after ${Math.round((s.idleMs ?? 0) / 1000)} s idle${s.current ? ' (this version)' : ' (another version)'} — ${s.socket}`
}

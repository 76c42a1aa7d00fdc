import { rmSync } from 'node:fs'
import { HOOK_COMMAND, type HookIo } from '../adapters/hooks/hook-io.ts'
import { HookSession } from '../adapters/hooks/hook-session.ts'
import { postCommit } from '../adapters/hooks/post-commit.ts'
import { gateCommits, preCommit } from '../adapters/hooks/pre-commit.ts'
import { prePush } from '../adapters/hooks/pre-push.ts'
import { PRE_COMMIT_STEP_NAMES, PRE_PUSH_STEP_NAMES } from '../adapters/hooks/steps.ts'
import { nearest } from '../foundation/cli/nearest.ts'
import { parseArgs } from '../foundation/cli/parse-args.ts'
import { userCommand } from '../foundation/cli/user-command.ts'
import { EXIT, UserError } from '../foundation/errors/user-error.ts'
import { gitRootFast } from '../foundation/fs/git-root.ts'
import { setting } from '../foundation/settings/settings.ts'

type HookCommand = (io: HookIo, positionals: string[]) => Promise<number>

const COMMANDS: Record<string, { usage: string; summary: string; hook: boolean; run: HookCommand }> = {
  'pre-commit': {
    usage: 'pre-commit',
    summary: `read-only gates on the staged content; SKIP=${PRE_COMMIT_STEP_NAMES.join(',')} skips steps`,
    hook: true,
    run: (io) => preCommit(io),
  },
  'post-commit': {
    usage: 'post-commit',
    summary: 'link HEAD to the pre-commit session that passed for its tree, or record a bypass',
    hook: true,
    run: (io) => postCommit(io),
  },
  'pre-push': {
    usage: 'pre-push [REMOTE [URL]]   (refs on stdin, as git gives them)',
    summary: `refuse ungated commits, then ${userCommand('run')}; SKIP=${PRE_PUSH_STEP_NAMES.join(',')}; CODEX_ALLOW_UNGATED=1`,
    hook: true,
    run: (io) => prePush(io),
  },
  gate: {
    usage: 'gate REV|RANGE…',
    summary: 'run the pre-commit steps on commits already made (e.g. after --no-verify) and link them',
    hook: false,
    run: (io, revs) => {
      if (revs.length === 0)
        throw new UserError(
          'BAD_USAGE',
          'gate: which commits?',
          `e.g. ${HOOK_COMMAND} gate HEAD or gate origin/main..HEAD`,
        )
      return gateCommits(io, revs)
    },
  },
}

const HELP = `usage: ${HOOK_COMMAND} <command>

The git hooks of codex-gates (installed by husky; HUSKY=0 turns them off).

commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`)
  .join('\n')}

Every run is a ledger session: ${userCommand('ledger sessions --kind pre-commit')}
`

/** `hook <command>`: the git hooks' entry point. Returns the exit code git sees. */
export async function hookCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(HELP)
    return name ? EXIT.ok : EXIT.usage
  }
  const command = COMMANDS[name]
  if (!command) {
    const close = nearest(name, Object.keys(COMMANDS))
    throw new UserError(
      'BAD_USAGE',
      `hook: unknown command "${name}"`,
      `${close ? `did you mean ${close}? ` : ''}see \`${HOOK_COMMAND} --help\``,
    )
  }
  // Hooks take git's own positionals (pre-push: remote and URL); only `gate` has flags (--help).
  const { values, positionals } = command.hook
    ? { values: { help: rest.includes('--help') }, positionals: rest }
    : parseArgs(rest, {}, `${HOOK_COMMAND} ${name}`)
  if (values.help) {
    process.stdout.write(`usage: ${HOOK_COMMAND} ${command.usage}\n\n${command.summary}\n`)
    return EXIT.ok
  }
  if (command.hook && setting('HUSKY') === false) return EXIT.ok // husky's own switch, honoured when called directly too
  const top = gitRootFast(process.cwd()) // git runs hooks at the top: usually found without a git process
  if (top === undefined) {
    throw new UserError(
      'NOT_GIT',
      `hook ${name}: ${process.cwd()} is not inside a git work tree`,
      'run it inside a repository',
    )
  }
  return withSignals((signal, onTempDir, hold) =>
    command.run(
      {
        cwd: top,
        env: process.env,
        argv: rest,
        err: (line) => process.stderr.write(`${line}\n`),
        signal,
        onTempDir,
        hold,
        elapsed: () => performance.now(),
        readStdin: name === 'pre-push' ? readStdin : undefined,
      },
      positionals,
    ),
  )
}

// --- internal ---

/** How long an interrupted hook may take to wind down before it exits anyway (ms). */
const GRACE_MS = 5000

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP abort the run: steps stop, the session is written as
 * `interrupted`, the temp folder goes. The read-only steps never wrote the work tree or the index,
 * so there is nothing to restore. If the run does not wind down within 5 s, or a second signal
 * comes, exit — but never while `hold` work runs (lint-staged restoring hidden hunks in fix mode).
 */
async function withSignals(
  run: (
    signal: AbortSignal,
    onTempDir: (dir: string | undefined) => void,
    hold: <T>(work: Promise<T>) => Promise<T>,
  ) => Promise<number>,
): Promise<number> {
  const controller = new AbortController()
  let tempDir: string | undefined
  let held = 0
  const cleanup = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  }
  const exitWhenFree = () => {
    if (held > 0) {
      setTimeout(exitWhenFree, 100).unref()
      return
    }
    HookSession.finishOpen('interrupted') // what was recorded so far is kept
    cleanup()
    process.exit(EXIT.interrupted)
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (held > 0) process.stderr.write('codex-gates: waiting for lint-staged to restore your files\n')
      exitWhenFree()
      return
    }
    process.stderr.write(`\ncodex-gates: ${signal}: stopping; your work tree and index are left as they were\n`)
    controller.abort()
    setTimeout(exitWhenFree, GRACE_MS).unref()
  }
  const hold = async <T>(work: Promise<T>): Promise<T> => {
    held++
    try {
      return await work
    } finally {
      held--
    }
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, onSignal)
  try {
    return await run(
      controller.signal,
      (dir) => {
        tempDir = dir
      },
      hold,
    )
  } catch (error) {
    if (controller.signal.aborted) return EXIT.interrupted // whatever broke, the signal broke it
    throw error
  } finally {
    for (const s of signals) process.off(s, onSignal)
    cleanup()
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return ''
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

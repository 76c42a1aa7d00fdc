import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { envValue } from '../../foundation/settings/env-value.ts'
import { gitOk } from './git.ts'
import { HOOK_COMMAND, type HookIo, hookLine } from './hook-io.ts'
import { HookSession } from './hook-session.ts'
import { readSessionLedger } from './read-ledger.ts'
import { readGateRecords } from './ungated.ts'

/**
 * The post-commit hook: links the new commit to the passed pre-commit session that checked its
 * tree (`commits` row). `--no-verify` skips pre-commit but not post-commit, so a commit with no
 * such session is recorded as a bypass (`commits.bypass = 1` and a `bypass` event) and the user
 * is told how to gate it. Always exits 0: git ignores post-commit's status, and so do we.
 */
export async function postCommit(io: HookIo): Promise<number> {
  const options = { cwd: io.cwd, env: io.env }
  const gitting = Promise.all([
    gitOk(['rev-parse', 'HEAD', 'HEAD^{tree}'], options),
    gitOk(['rev-parse', '--git-dir'], options),
    gitOk(['symbolic-ref', '--short', '--quiet', 'HEAD'], options).catch(() => ''),
  ])
  const session = new HookSession({
    kind: 'post-commit',
    command: 'post-commit',
    argv: io.argv,
    warn: (line) => hookLine(io, line),
  })
  const [revs, gitDir, branch] = await gitting
  const [sha = '', tree = ''] = revs.split('\n')
  session.start({ sha, branch: branch || null, dirty: null, tree })

  const passed = readSessionLedger(session, (ledger) =>
    readGateRecords(ledger, session.ledgerPath, [{ sha, tree }]).passedTrees.get(tree),
  )
  const linkedAt = new Date().toISOString()
  if (passed) {
    session.add('commits', { sha, tree, session_id: passed, linked_at: linkedAt, bypass: 0 })
    session.event({
      role: 'system',
      message: `linked commit ${sha.slice(0, 12)} to pre-commit session ${passed}`,
      data: { event: 'linked', sha, tree, session_id: passed },
    })
  } else {
    const rewriting = rewriteInProgress(io.env, isAbsolute(gitDir) ? gitDir : join(io.cwd, gitDir))
    session.add('commits', { sha, tree, session_id: null, linked_at: linkedAt, bypass: 1 })
    session.event({
      role: 'system',
      level: 'warn',
      message: `bypass: commit ${sha.slice(0, 12)} has no passing pre-commit session for tree ${tree.slice(0, 12)}${rewriting ? ` (${rewriting})` : ''}`,
      data: { event: 'bypass', sha, tree, cause: rewriting ?? 'no-verify' },
    })
    hookLine(
      io,
      `codex-gates: commit ${sha.slice(0, 12)} was made without a passing pre-commit${rewriting ? ` (${rewriting})` : ' (--no-verify?)'}; it is recorded as ungated and pre-push will refuse it.\n` +
        `  gate it now: ${HOOK_COMMAND} gate ${sha.slice(0, 12)}`,
    )
  }
  session.finish('passed')
  return 0
}

// --- internal ---

/** `rebase` or `cherry-pick` when git is replaying commits (pre-commit does not run then). */
function rewriteInProgress(env: NodeJS.ProcessEnv, gitDir: string): string | undefined {
  const action = envValue('GIT_REFLOG_ACTION', env) ?? ''
  if (/\brebase\b/.test(action) || existsSync(join(gitDir, 'rebase-merge')) || existsSync(join(gitDir, 'rebase-apply')))
    return 'rebase'
  if (/\bcherry-pick\b/.test(action) || existsSync(join(gitDir, 'CHERRY_PICK_HEAD'))) return 'cherry-pick'
  if (/\brevert\b/.test(action)) return 'revert'
  return undefined
}

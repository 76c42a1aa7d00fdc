import { snapshotIndexFile } from '../../adapters/hooks/snapshot.ts'
import { readHeadTree, stagedChanges } from '../../adapters/hooks/staged-changes.ts'
import { INLINE_STEP_NAMES } from '../../adapters/hooks/steps.ts'
import type { GateName } from '../../domain/gates/gates-config.ts'
import { loadGate } from '../../domain/gates/registry.ts'
import { readGitIndexFile } from '../../foundation/fs/git-index.ts'
import { sqliteDriver } from '../../foundation/optional/sqlite-driver.ts'
import type { StandbyPrepared } from './standby-serve.ts'

/** Times the index is parsed ahead: its reader's loop is then compiled by the time a commit comes. */
const INDEX_WARM_UPS = 3

/**
 * What a hook standby loads before it listens (standby-serve.ts), so that a commit finds it
 * loaded: the pre-commit hook's lazily loaded modules and the light gates it runs in its own
 * thread. The environment variables read meanwhile are the ones a commit's must match.
 */
export async function preloadPreCommit(): Promise<void> {
  await import('../../adapters/hooks/pre-commit.ts')
  await Promise.all([...INLINE_STEP_NAMES].map((name) => loadGate(name as GateName).catch(() => undefined)))
}

/**
 * Then what it prepares with this repository's files, its environment passed on explicitly (not
 * read from the process, so it sets nothing a commit's environment must match): better-sqlite3's
 * native binary loaded, the index reader run on the index, and HEAD's tree read, from which the
 * commit's staged paths come without waiting for `git diff` (staged-changes.ts; only the
 * launcher's Biome starts from them, and the hook checks it against git's answer). Each step is
 * best effort: a failure only leaves that work to the commit, as without a standby.
 */
export function preparePreCommit(cwd: string, env: NodeJS.ProcessEnv): StandbyPrepared {
  try {
    const { Database, nativeBinding } = sqliteDriver()
    new Database(':memory:', nativeBinding === undefined ? {} : { nativeBinding }).close()
  } catch {
    // the commit reports it, as without a standby
  }
  const index = snapshotIndexFile({ cwd, env })
  for (let i = 0; index !== undefined && i < INDEX_WARM_UPS; i++) {
    try {
      readGitIndexFile(index)
    } catch {
      break
    }
  }
  const head = readHeadTree(cwd, env)
  if (head === undefined) return {}
  return {
    stagedFiles: (at, asked) => {
      const file = snapshotIndexFile({ cwd: at, env: asked })
      return file === undefined ? undefined : stagedChanges(file, head, at, asked)
    },
  }
}

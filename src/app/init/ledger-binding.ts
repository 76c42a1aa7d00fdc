import { isMissingDependency, type MissingDependencyError } from '../../foundation/optional/missing-dependency-error.ts'
import { dependencyError, requireOptional } from '../../foundation/optional/optional-import.ts'
import { runNpm } from './run-npm.ts'

/** What init did about the ledger's SQLite binding: a line for its report, and a note when the ledger stays off. */
export interface BindingOutcome {
  done?: string
  note?: string
}

/**
 * init's last step: better-sqlite3's native binary must load, or the ledger is off (runs record to
 * the NDJSON fallback). npm 12 and later install better-sqlite3 without running its install
 * script (the one that fetches or builds the binary) unless package.json's `allowScripts` allows
 * it; init has just written that entry, so `npm rebuild better-sqlite3` now builds it. Nothing is
 * run when the binary already loads (npm 11, or an approved install).
 */
export function buildLedgerBinding(
  root: string,
  env: NodeJS.ProcessEnv,
  dry: boolean,
  progress: (line: string) => void,
): BindingOutcome {
  const failure = ledgerBindingFailure()
  if (!failure) return {}
  const off = (why: string) =>
    `the ledger is off until better-sqlite3 loads (${why}); meanwhile runs record to .codex/ledger-fallback.ndjson, and \`npx codex-gates ledger import\` brings them in`
  if (failure.reason !== 'failed-to-load') return { note: off(failure.message) }
  if (dry) return { done: `would run ${REBUILD} (better-sqlite3's native binary was never built)` }
  // A build from source takes a minute or two with nothing printed: say what is going on first.
  progress(
    `better-sqlite3 was installed without its binary (npm 12 skips install scripts package.json does not allow): running ${REBUILD} …`,
  )
  const started = performance.now()
  const ran = runNpm(root, REBUILD, env)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const after = ledgerBindingFailure()
  if (!after) return { done: `ran ${REBUILD} (${seconds} s): the ledger's SQLite binary is built` }
  return {
    done: `ran ${REBUILD}: ${ran ?? 'it finished, but the binary still does not load'}`,
    note: off(`${after.message}; a build from source needs python3, make and a C++ compiler`),
  }
}

/** Why better-sqlite3 cannot open a database in this process, or undefined when it can. */
export function ledgerBindingFailure(): MissingDependencyError | undefined {
  try {
    const Sqlite = requireOptional('better-sqlite3')
    new Sqlite(':memory:').close()
    return undefined
  } catch (error) {
    return isMissingDependency(error) ? error : dependencyError('better-sqlite3', error)
  }
}

// --- internal ---

const REBUILD = 'npm rebuild better-sqlite3'

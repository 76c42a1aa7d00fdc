import { statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Reporter } from 'vitest/node'
import { BUNDLED_SQLITE } from '../../foundation/build/bundled-packages.mjs'
import { prebuiltBundle, ROOT } from '../../foundation/build/prebuilt-bundle.mjs'
import { errorMessage } from '../../foundation/errors/user-error.ts'
import { setting } from '../../foundation/settings/settings.ts'
import type { LedgerReporterOptions } from './ledger-reporter.ts'

/** The reporter's source, which Vitest can also load itself (through Vite, module by module). */
export const LEDGER_REPORTER_SOURCE = join(ROOT, 'src', 'adapters', 'reporter', 'ledger-reporter.ts')

/** `.codex/reporter/`: the reporter and everything it imports from src/, as one plain JS file. */
export const ledgerReporterBundle = prebuiltBundle({
  dir: join(ROOT, '.codex', 'reporter'),
  entries: { 'ledger-reporter': 'src/adapters/reporter/ledger-reporter.ts' },
  // Paths the reporter computes from import.meta.url (schemas, package.json) stay the sources'.
  sourceUrls: true,
  // better-sqlite3's JavaScript inside, used where it is the installed version (sqlite-driver.ts):
  // otherwise this ES module's copy has no `require` to load it with and falls back every time.
  bundled: [BUNDLED_SQLITE],
})

/**
 * The ledger reporter for `test.reporters`. Vitest loads a reporter given by path through Vite,
 * transforming each of its ~30 modules, which cost 250–400 ms of every run's start-up; the same
 * code prebuilt into one file loads natively in ~15 ms (`npm run bench -- ledger` compares both).
 * A stale or missing bundle is rebuilt first (~100 ms, once per source change). Where it cannot be
 * built or loaded, or with `CODEX_REPORTER=source`, Vitest gets the source path: slower, same rows.
 */
export async function ledgerReporter(
  options: LedgerReporterOptions = {},
): Promise<Reporter | [string, Record<string, unknown>]> {
  const source: [string, Record<string, unknown>] = [LEDGER_REPORTER_SOURCE, { ...options }]
  if (setting('CODEX_REPORTER') === 'source') return source
  try {
    if (!ledgerReporterBundle.state().fresh) await ledgerReporterBundle.build()
    // The file's mtime in the URL: after a rebuild, a long-lived process (watch mode reloading
    // its config) imports the new bundle instead of the one Node's module cache holds.
    const file = ledgerReporterBundle.output('ledger-reporter')
    const url = `${pathToFileURL(file).href}?v=${statSync(file).mtimeMs}`
    const module = (await import(url)) as {
      default: new (options: LedgerReporterOptions) => Reporter
    }
    return new module.default(options)
  } catch (error) {
    process.stderr.write(
      `codex-gates: prebuilt ledger reporter unavailable (${errorMessage(error)}); loading it from source (slower start-up)\n`,
    )
    return source
  }
}

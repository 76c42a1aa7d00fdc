import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { median } from './stats.ts'

/** Where the ledger reporter's own time goes in one run (ms on Vitest's main thread). */
export interface ReporterTiming {
  /** better-sqlite3's native module, loaded before the reporter so its hooks do not count it. */
  sqliteLoad: number
  /** ledgerReporter(): the bundle's freshness check and import. */
  bundleLoad: number
  /** Each hook's total time (onInit opens the ledger; onTestModuleEnd writes a module's rows). */
  hooks: Record<string, number>
  /** The whole run's wall time as Vitest saw it from the config load to exit. */
  runMs: number
}

/**
 * The reporter's share of a run, measured from inside: the suite runs with the prebuilt reporter
 * wrapped so that every hook call is timed (awaited ones until they settle), after better-sqlite3
 * is loaded on its own. `reports`: with report rendering after the run (into `work`), or without.
 * Medians over `repeats` runs per field. Unlike the wall-time difference of whole runs, this is
 * not drowned by a shared machine's noise.
 */
export function measureReporterTiming(suite: string, work: string, repeats: number, reports: boolean): ReporterTiming {
  const out = join(work, `timing-${reports ? 'reports' : 'plain'}.json`)
  const config = join(suite, `timed-${reports ? 'reports' : 'plain'}.config.ts`)
  writeFileSync(config, timedConfig(out))
  const vitestBin = resolve('node_modules/.bin/vitest')
  const runs: ReporterTiming[] = []
  for (let i = 0; i < Math.max(1, repeats); i++) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CODEX_LEDGER: join(work, 'timing.db'),
      CODEX_REPORTS_DIR: join(work, 'timing-reports'),
      CI: '1',
    }
    if (reports) delete env.CODEX_REPORTS
    else env.CODEX_REPORTS = '0'
    execFileSync(vitestBin, ['run', '--root', suite, '--config', config], { env, stdio: 'ignore' })
    runs.push(JSON.parse(readFileSync(out, 'utf8')) as ReporterTiming)
  }
  const hooks = [...new Set(runs.flatMap((r) => Object.keys(r.hooks)))]
  return {
    sqliteLoad: median(runs.map((r) => r.sqliteLoad)),
    bundleLoad: median(runs.map((r) => r.bundleLoad)),
    hooks: Object.fromEntries(hooks.map((h) => [h, median(runs.map((r) => r.hooks[h] ?? 0))])),
    runMs: median(runs.map((r) => r.runMs)),
  }
}

/** The reporter's own total: loads and every hook. */
export function reporterTotal(t: ReporterTiming): number {
  return t.sqliteLoad + t.bundleLoad + Object.values(t.hooks).reduce((a, b) => a + b, 0)
}

// --- internal ---

/** A Vitest config whose ledger reporter is the prebuilt one behind a timing proxy. */
function timedConfig(out: string): string {
  const entry = JSON.stringify(resolve('src/adapters/reporter/ledger-reporter-entry.ts'))
  return `import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { ledgerReporter } from ${entry}
const started = performance.now()
let t = performance.now()
createRequire(${entry})('better-sqlite3')
const sqliteLoad = performance.now() - t
t = performance.now()
const inner = await ledgerReporter()
const bundleLoad = performance.now() - t
const hooks = {}
const timed = new Proxy(inner, {
  get(target, prop) {
    const value = target[prop]
    if (typeof value !== 'function' || typeof prop !== 'string' || !prop.startsWith('on')) return value
    return (...args) => {
      const at = performance.now()
      const done = () => { hooks[prop] = (hooks[prop] ?? 0) + performance.now() - at }
      const result = value.apply(target, args)
      if (result && typeof result.then === 'function') return result.then((x) => { done(); return x })
      done()
      return result
    }
  },
})
process.on('exit', () => {
  writeFileSync(${JSON.stringify(out)}, JSON.stringify({ sqliteLoad, bundleLoad, hooks, runMs: performance.now() - started }))
})
export default { test: { include: ['*.bench-fixture.ts'], reporters: ['default', timed] } }
`
}

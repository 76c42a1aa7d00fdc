// The git hooks' launcher: `node .husky/launch.cjs <hook> [args]` (what the hook scripts call).
// CommonJS, so Node starts it without its ES module loader (~8 ms a hook, measured side by side).
// Its one job is the fast path: the bundle in .codex/hook/ is fresh by its stamp, so run it
// through V8's code cache. Anything else (no bundle or a stale one, CODEX_HOOK_RUNNER=tsx) goes to
// launch.mjs, which rebuilds the bundle or falls back to tsx. CODEX_HOOK_RUNNER=bundle runs the
// bundle as it is, stale or not (benchmarks); CODEX_CODE_CACHE=0 compiles it from source
// (src/foundation/settings/settings.ts describes both).
// pre-commit first asks the repository's hook standby, the runner already loaded and waiting
// (src/adapters/hooks/standby-place.cjs); without one, it runs the runner here and leaves one for
// the next commit as it exits. CODEX_HOOK_STANDBY=0 turns that off.
'use strict'
const { join } = require('node:path')

const root = join(__dirname, '..')
// runner-bundle.mjs's BUNDLE_DIR and its `runner` entry, built as one CommonJS file (codeCached).
const dir = join(root, '.codex', 'hook')
const runner = join(dir, 'runner.cjs')
const mode = process.env.CODEX_HOOK_RUNNER ?? 'auto'
const hook = process.argv[2]
// The standby's place and policy (standby-place.cjs): pre-commit through the bundle only.
const standby = hook === 'pre-commit' && mode !== 'tsx' ? require('../src/adapters/hooks/standby-place.cjs') : undefined
const useStandby = standby?.standbyWanted() === true

// What starts a standby: this launcher's own `standby serve`.
const SERVE = [__filename, 'standby', 'serve']

if (useStandby) {
  const { askStandby, traceWhy } = require('../src/adapters/hooks/standby-client.cjs')
  askStandby(process.cwd(), process.argv.slice(2)).then((answer) => {
    if (answer.ran) process.exitCode = answer.code
    else {
      traceWhy(answer)
      launch(true)
    }
  })
} else launch(false)

/** Runs the hook here: `leave` a standby for the next commit as this process exits. */
function launch(leave) {
  const { existsSync } = require('node:fs')
  const { pathToFileURL } = require('node:url')
  const { bundleState, compileCodeCached } = require('../src/foundation/build/bundle-stamp.cjs')
  const { releaseEarlyGit, startEarlyGit } = require('../src/adapters/hooks/early-git.cjs')
  const { startLauncherLint } = require('../src/adapters/hooks/launcher-lint.cjs')
  // The pre-commit snapshot's git processes start before anything else: they run while the stamp is
  // checked and the bundle is compiled, and the runner takes them (src/adapters/hooks/early-git.cjs).
  const early = hook === 'pre-commit' && mode !== 'tsx' ? startEarlyGit(process.cwd()) : undefined
  const stamp = join(dir, 'stamp.json')
  const fast = mode === 'bundle' ? existsSync(runner) : mode !== 'tsx' && bundleState(stamp, root).fresh

  if (fast) {
    if (hook === 'standby' && process.argv[3] === 'serve') leaveStandbyStart(bundleState, stamp)
    if (leave) process.once('exit', () => standby.spawnStandby(process.cwd(), SERVE))
    // The runner reads process.argv.slice(2) (the hook and its arguments) and exits by itself. Its
    // `import.meta.resolve` resolves as require.resolve does, as in the installed executable (main.cjs).
    const resolve = (specifier) => pathToFileURL(require.resolve(specifier)).href
    const program = compileCodeCached(runner, { resolve }, { useCache: process.env.CODEX_CODE_CACHE?.trim() !== '0' })
    // Biome before the runner runs, when the last commit left a plan for it (launcher-lint.cjs):
    // git's answers arrive while the runner compiles, and Biome then runs beside the runner. The
    // runner starts outside the promise chain (nextTick): what it throws is an uncaught exception.
    if (early) startLauncherLint(process.cwd(), early).then(() => process.nextTick(program.run))
    else program.run()
  } else {
    releaseEarlyGit()
    import(pathToFileURL(join(__dirname, 'launch.mjs')).href)
  }
}

/**
 * For `standby serve` (src/app/hook/standby-serve.ts): the environment read from here on, and
 * whether the runner it loads is still the one a launcher would run (same file, fresh stamp). The
 * stamp's sources are watched (their folders): until one changes, that takes two stats at commit
 * time instead of a stat of every source (~6 ms); after any change, or without watching, the whole
 * stamp is checked.
 */
function leaveStandbyStart(bundleState, stamp) {
  const { readFileSync, watch } = require('node:fs')
  const { dirname } = require('node:path')
  const { recordStandbyStart } = require('../src/adapters/hooks/standby-env.cjs')
  let touched = true
  try {
    const inputs = Object.keys(JSON.parse(readFileSync(stamp, 'utf8')).inputs)
    for (const folder of new Set(inputs.map((path) => dirname(join(root, path))))) {
      const watcher = watch(folder, () => {
        touched = true
      })
      watcher.on('error', () => {
        touched = true
      })
      watcher.unref()
    }
    // Watched from here on; a change since the check above is caught by this one.
    touched = mode !== 'bundle' && !bundleState(stamp, root).fresh
  } catch {
    touched = true
  }
  recordStandbyStart({
    files: [runner],
    rebuilt: 'the runner was rebuilt',
    stale: () => (mode !== 'bundle' && touched && !bundleState(stamp, root).fresh ? 'the runner is stale' : undefined),
    command: SERVE,
  })
}

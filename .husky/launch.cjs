// The git hooks' launcher: `node .husky/launch.cjs <hook> [args]` (what the hook scripts call).
// CommonJS, so Node starts it without its ES module loader (~8 ms a hook, measured side by side).
// Its one job is the fast path: the bundle in .codex/hook/ is fresh by its stamp, so run it
// through V8's code cache. Anything else (no bundle or a stale one, CODEX_HOOK_RUNNER=tsx) goes to
// launch.mjs, which rebuilds the bundle or falls back to tsx. CODEX_HOOK_RUNNER=bundle runs the
// bundle as it is, stale or not (benchmarks); CODEX_CODE_CACHE=0 compiles it from source
// (src/foundation/settings/settings.ts describes both).
'use strict'
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const { pathToFileURL } = require('node:url')
const { bundleState, compileCodeCached } = require('../src/foundation/build/bundle-stamp.cjs')
const { releaseEarlyGit, startEarlyGit } = require('../src/adapters/hooks/early-git.cjs')
const { startLauncherLint } = require('../src/adapters/hooks/launcher-lint.cjs')

const root = join(__dirname, '..')
// runner-bundle.mjs's BUNDLE_DIR and its `runner` entry, built as one CommonJS file (codeCached).
const dir = join(root, '.codex', 'hook')
const runner = join(dir, 'runner.cjs')
const mode = process.env.CODEX_HOOK_RUNNER ?? 'auto'
// The pre-commit snapshot's git processes start before anything else: they run while the stamp is
// checked and the bundle is compiled, and the runner takes them (src/adapters/hooks/early-git.cjs).
const early = process.argv[2] === 'pre-commit' && mode !== 'tsx' ? startEarlyGit(process.cwd()) : undefined
const fast = mode === 'bundle' ? existsSync(runner) : mode !== 'tsx' && bundleState(join(dir, 'stamp.json'), root).fresh

if (fast) {
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

// Starts the hook runner for `node .husky/launch.mjs <hook> [args]`; the hook scripts call
// launch.cjs, which runs a fresh bundle itself and comes here for anything else:
//   1. the bundle in .codex/hook/ when it is fresh (one plain node start, the runner compiled
//      through V8's code cache: the fast path);
//   2. else rebuild it with esbuild and run it (a source edit costs one rebuild, not every commit);
//   3. else, or with CODEX_HOOK_RUNNER=tsx, `tsx scripts/hook.ts` (slow, always right).
// CODEX_HOOK_RUNNER=bundle runs the bundle as it is, stale or not (benchmarks).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildBundle, bundleState, ROOT, RUNNER, runCodeCached } from './runner-bundle.mjs'

const mode = process.env.CODEX_HOOK_RUNNER ?? 'auto'

async function useBundle() {
  if (mode === 'tsx') return false
  if (mode === 'bundle') return existsSync(RUNNER)
  if (bundleState().fresh) return true
  try {
    await buildBundle()
    return true
  } catch (error) {
    process.stderr.write(`codex-gates: cannot rebuild the hook bundle (${error?.message ?? error}); using tsx\n`)
    return false
  }
}

if (await useBundle()) {
  // The runner reads process.argv.slice(2) (the hook and its arguments) and exits by itself.
  // CODEX_CODE_CACHE=0 (src/foundation/settings/settings.ts) compiles it from source.
  runCodeCached(RUNNER, import.meta, { useCache: process.env.CODEX_CODE_CACHE?.trim() !== '0' })
} else {
  const tsx = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx')
  const child = spawn(tsx, [join(ROOT, 'scripts', 'hook.ts'), ...process.argv.slice(2)], { stdio: 'inherit' })
  // Ctrl-C reaches the child through the terminal's process group (forwarding it would count as a
  // second Ctrl-C); SIGTERM and SIGHUP may be aimed at this process alone, so pass them on.
  process.on('SIGINT', () => {})
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => {
    process.stderr.write(`codex-gates: cannot start ${tsx}: ${error.message}\n`)
    process.exit(3)
  })
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
}

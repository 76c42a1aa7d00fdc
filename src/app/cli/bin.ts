#!/usr/bin/env node
// The `codex-gates` executable as built: scripts/build-dist.mjs bundles this file into
// dist/src/app/cli/main.cjs (package.json `bin`: a CommonJS entry starts without Node's ES module
// loader) and main.js (the same as an ES module), beside the program's one bundle, main.bundle.cjs
// (main.ts and all it imports). The program is compiled through V8's code cache
// (src/foundation/build/cached-script.cjs), kept in node_modules/.cache/codex-gates: a warm
// `codex-gates run` no longer parses and compiles ~1 MB of JavaScript on every start.
// CODEX_CODE_CACHE=0 compiles it from source every time. Only meaningful in dist/.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeCacheDir, compileCached, shortHash } from '../../foundation/build/cached-script.cjs'
import { envValue } from '../../foundation/settings/env-value.ts'

/** What build-dist writes beside the bundle: its hash, and whether it is pure ASCII (read as latin1, no UTF-8 decode). */
interface BundleInfo {
  sha256: string
  ascii: boolean
}

// The commit hook (`codex-gates hook pre-commit`, as the hooks `init` writes call it) first asks
// the repository's hook standby, a process with this program already loaded that the last commit
// left (src/adapters/hooks/standby-place.cjs); without one, it runs here and leaves one as it exits.
// Its snapshot's git processes start before the program is read and compiled; the hook takes them
// (src/adapters/hooks/early-git.cjs, as .husky/launch.cjs does in this repository).
// Required here, not imported: child_process (what it loads) costs every other command ~2.5 ms.
// Biome too, where the last commit left a plan for it (src/adapters/hooks/launcher-lint.cjs): it
// runs while the program compiles, which then starts outside the promise chain (nextTick), so
// that what it throws is an uncaught exception, as from the top level.
const load = createRequire(import.meta.url)
const hook = process.argv[2] === 'hook' ? process.argv[3] : undefined
type StandbyPlace = typeof import('../../adapters/hooks/standby-place.cjs')
const standby = hook === 'pre-commit' ? (load('../../adapters/hooks/standby-place.cjs') as StandbyPlace) : undefined
if (standby?.standbyWanted() === true) {
  const { askStandby, traceWhy } = load(
    '../../adapters/hooks/standby-client.cjs',
  ) as typeof import('../../adapters/hooks/standby-client.cjs')
  void askStandby(process.cwd(), process.argv.slice(3)).then((answer) => {
    if (answer.ran) process.exitCode = answer.code
    else {
      traceWhy(answer)
      start(true)
    }
  })
} else start(false)

/** Runs the program here: `leave` a hook standby for the next commit as this process exits. */
function start(leave: boolean): void {
  let headStart: Promise<void> | undefined
  if (hook === 'pre-commit') {
    const early = (
      load('../../adapters/hooks/early-git.cjs') as typeof import('../../adapters/hooks/early-git.cjs')
    ).startEarlyGit(process.cwd())
    headStart = (
      load('../../adapters/hooks/launcher-lint.cjs') as typeof import('../../adapters/hooks/launcher-lint.cjs')
    ).startLauncherLint(process.cwd(), early)
  }
  const command = [process.argv[1] ?? fileURLToPath(import.meta.url), 'hook', 'standby', 'serve']
  if (leave) process.once('exit', () => standby?.spawnStandby(process.cwd(), command))
  if (hook === 'standby' && process.argv[4] === 'serve') leaveStandbyStart(command)
  // The program compiles while git's answers arrive; it runs once Biome is started (or will not be).
  const run = compileProgram()
  if (headStart) void headStart.then(() => process.nextTick(run))
  else run()
}

/**
 * For `hook standby serve` (src/app/hook/standby-serve.ts): the environment read from here on, and
 * whether the program is still the one a hook would run (the bundle file unchanged: not upgraded).
 */
function leaveStandbyStart(command: readonly string[]): void {
  const { recordStandbyStart } = load(
    '../../adapters/hooks/standby-env.cjs',
  ) as typeof import('../../adapters/hooks/standby-env.cjs')
  const files = ['./main.bundle.cjs', './main.bundle.json'].map((f) => fileURLToPath(new URL(f, import.meta.url)))
  recordStandbyStart({ files, rebuilt: 'codex-gates was reinstalled', command })
}

/** Compiles the program through the code cache; the function returned runs it (it reads process.argv and exits by itself). */
function compileProgram(): () => void {
  const file = fileURLToPath(new URL('./main.bundle.cjs', import.meta.url))
  const info = JSON.parse(readFileSync(new URL('./main.bundle.json', import.meta.url), 'utf8')) as BundleInfo
  const bundle = `main-${info.sha256.slice(0, 16)}`
  // One cache per verb, made by its first run after a build with the functions that run compiled.
  // A run that imported Vitest (a cold `run`, seconds anyway) makes only a provisional one, which the
  // first run without Vitest (the warm path, where the compile time shows) replaces. V8 checks its
  // version and flags itself (a mismatch is rejected, then rebuilt); the flags are in the name too,
  // so that two flag sets do not keep replacing each other's cache.
  // `hook` by its hook too: each git hook runs other functions (see bundle-stamp.cjs's runner caches).
  const word = (i: number) => (/^[a-z][a-z-]{0,30}$/.test(process.argv[i] ?? '') ? process.argv[i] : undefined)
  const verb = word(2) === 'hook' && word(3) ? `hook-${word(3)}` : (word(2) ?? 'other')
  const flags = process.execArgv.length > 0 ? shortHash(process.execArgv.join('\0')) : 'std'
  const cacheDir = codeCacheDir(fileURLToPath(new URL('../../../../', import.meta.url)))
  const cacheName = join(cacheDir, `${bundle}-${process.version}-${process.arch}-${flags}-${verb}`)
  const [final, provisional] = [`${cacheName}.v8`, `${cacheName}.vitest.v8`]
  const script = compileCached({
    file,
    params: ['exports', 'require', 'module', '__filename', '__dirname', '__codexImportMeta'],
    encoding: info.ascii ? 'latin1' : 'utf8',
    cache:
      envValue('CODEX_CODE_CACHE') === '0'
        ? undefined
        : {
            files: [final, provisional],
            // Caches of earlier builds of this package go when a new one is written.
            stale: (name) => name.startsWith('main-') && !name.startsWith(bundle),
          },
  })
  let imported = false
  const module = { exports: {} }
  // The bundle's `import.meta` (esbuild `define`): this file's, whose URL is the bundle's folder
  // too, plus the `import()` a vm.Script cannot make itself (src/foundation/build/import-url.ts).
  // In main.cjs, `resolve` is require.resolve's (the "require" export conditions; husky's is the same).
  const meta = {
    url: import.meta.url,
    resolve: import.meta.resolve,
    importUrl: (url: string) => {
      imported = true
      return import(url)
    },
  }
  return () => {
    process.once('exit', () => script.save(imported ? provisional : final))
    script.fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), meta)
  }
}

// What a commit needs of a prebuilt bundle (src/foundation/build/prebuilt-bundle.mjs builds it):
// whether it is fresh by its stamp, and running a code-cached entry. CommonJS and free of esbuild,
// node:crypto (only when a file must be hashed) and the ES module loader, so that the hook's
// launcher (.husky/launch.cjs) starts Node's fastest way: ~8 ms less per hook than an ES module
// entry, measured side by side. Plain JavaScript on purpose: it must run where tsx is not loaded.
'use strict'
const { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs')
const { createRequire } = require('node:module')
const { basename, dirname, join, sep } = require('node:path')
const { pathToFileURL } = require('node:url')
const { compileCached, shortHash } = require('./cached-script.cjs')

/** The stamp's layout; a stamp of another version means a rebuild. */
const STAMP_VERSION = 3

/** Where bundleState leaves the last stamp it found fresh, `{ path, stamp }` (read by hook-config.ts). */
const FRESH_STAMP = Symbol.for('codex-gates.fresh-stamp')

/**
 * `{ fresh, reason }`: whether the bundle whose stamp is `stampPath` exists and every source it
 * was built from (paths relative to `root`) is unchanged.
 */
function bundleState(stampPath, root) {
  let stamp
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'))
  } catch {
    return { fresh: false, reason: 'no bundle yet' }
  }
  if (stamp.version !== STAMP_VERSION || stamp.node !== process.versions.node)
    return { fresh: false, reason: 'built by another version' }
  const stats = stamp.stats ?? {}
  // The stamp's paths are relative, normalised and '/'-separated (esbuild's): joined by hand, as
  // path.join's normalisation of ~300 paths cost ~2 ms of every hook start (--cpu-prof).
  const prefix = root.endsWith(sep) ? root : root + sep
  const settled = Date.now() - 1000
  let refreshed = false
  for (const [path, hash] of Object.entries(stamp.inputs)) {
    let now
    let s
    try {
      // A file whose stat data is what it was when the bundle was built, for this hash, has the
      // same bytes: no need to hash it (hashing all ~250 sources on every hook start cost 8–15 ms).
      // Compared as numbers: building a string per file from bigint stat data cost 5–10 ms more.
      const known = stats[path]
      s = statSync(prefix + path)
      if (known !== undefined && known[4] === hash && sameStat(known, s)) continue
      now = sha1(readFileSync(prefix + path))
    } catch {
      return { fresh: false, reason: `${path} is gone` }
    }
    if (now !== hash) return { fresh: false, reason: `${path} changed` }
    // Same bytes, new stat data (a checkout that rewrote it, a touch): recorded, so that the next
    // start does not hash it again (nor load node:crypto to), unless it changed within the last
    // second, where a second write could keep the stat data (as the build's own rule).
    if (Math.max(s.mtimeMs, s.ctimeMs) < settled) {
      stats[path] = [s.mtimeMs, s.ctimeMs, s.size, s.ino, hash]
      refreshed = true
    }
  }
  if (refreshed) rewriteStamp(stampPath, { ...stamp, stats })
  // The bundle reads its stamp too (src/adapters/hooks/hook-config.ts): it is handed this one,
  // parsed once per process (~0.5 ms), and checked to be fresh just now.
  globalThis[FRESH_STAMP] = { path: stampPath, stamp }
  return { fresh: true, reason: 'fresh' }
}

/**
 * `[mtimeMs, ctimeMs, size, ino]` of a file (the times with their sub-millisecond part), and when
 * it last changed (ms). A file changed within a second of a build gets no stat data in the stamp
 * (prebuilt-bundle.mjs), so a second write within the same clock tick is hashed, never trusted.
 */
function statKey(path) {
  const s = statSync(path)
  return { key: [s.mtimeMs, s.ctimeMs, s.size, s.ino], changedMs: Math.max(s.mtimeMs, s.ctimeMs) }
}

/** Whether stat data from the stamp (`[mtimeMs, ctimeMs, size, ino, …]`) is the file's now. */
function sameStat(known, s) {
  return known[0] === s.mtimeMs && known[1] === s.ctimeMs && known[2] === s.size && known[3] === s.ino
}

/** Replaces the stamp whole (a temp file renamed over it); one that cannot be written only costs the hashing again. */
function rewriteStamp(stampPath, stamp) {
  const temp = `${stampPath}.${process.pid}.tmp`
  try {
    writeFileSync(temp, `${JSON.stringify(stamp)}\n`)
    renameSync(temp, stampPath)
  } catch {
    try {
      unlinkSync(temp)
    } catch {
      // never written
    }
  }
}

function sha1(bytes) {
  return require('node:crypto').createHash('sha1').update(bytes).digest('hex')
}

/**
 * Runs a `codeCached` entry's `file` (the process's own program from here on: it reads
 * process.argv and exits by itself) through V8's code cache, kept beside it as
 * `<name>-<build>-<verb>-<node>-<arch>-<flags>.v8`; the build is told apart by the file's inode,
 * size and mtime (every build renames a new file into place). One cache per verb (the first
 * argument: `pre-commit`, `post-commit`…), each made by that verb's first run with the functions it
 * ran: a shared one held only what the first hook after a build happened to run. `meta` is its `import.meta`: `resolve` from
 * the caller; `url` (this file's URL, so `new URL('./x', import.meta.url)` finds what was built
 * beside it) and `importUrl` (src/foundation/build/import-url.ts) are added. A cache that is
 * missing, corrupt or cannot be written only costs the compile; `useCache: false` (the caller's
 * CODEX_CODE_CACHE=0) compiles from source only.
 */
function runCodeCached(file, meta, options) {
  compileCodeCached(file, meta, options).run()
}

/** `runCodeCached` in two steps: compiled now, run when `run()` is called (the launcher starts Biome in between). */
function compileCodeCached(file, meta, { useCache = true, verb = process.argv[2] } = {}) {
  const name = basename(file).replace(/\.cjs$/, '')
  const s = statSync(file)
  const build = shortHash(`${s.ino}:${s.size}:${s.mtimeMs}`)
  const flags = process.execArgv.length > 0 ? shortHash(process.execArgv.join('\0')) : 'std'
  const variant = /^[a-z][a-z-]{0,30}$/.test(verb ?? '') ? verb : 'other'
  const cacheFile = join(dirname(file), `${name}-${build}-${variant}-${process.version}-${process.arch}-${flags}.v8`)
  const script = compileCached({
    file,
    params: ['exports', 'require', 'module', '__filename', '__dirname', '__codexImportMeta'],
    cache: !useCache
      ? undefined
      : {
          files: [cacheFile],
          stale: (n) => n.startsWith(`${name}-`) && n.endsWith('.v8') && !n.startsWith(`${name}-${build}-`),
        },
  })
  return {
    run: () => {
      process.once('exit', () => script.save())
      const module = { exports: {} }
      const importMeta = { url: pathToFileURL(file).href, resolve: meta.resolve, importUrl: (url) => import(url) }
      script.fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importMeta)
    },
  }
}

module.exports = { STAMP_VERSION, bundleState, statKey, sha1, runCodeCached, compileCodeCached }

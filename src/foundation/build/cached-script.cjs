// A script compiled through V8's code cache (the v8-compile-cache technique): Node 20 has no
// compile cache for its own module loaders (`module.enableCompileCache` is Node >= 22.1), so a
// bundle that should start fast is built as one CommonJS-shaped file and compiled here with
// `vm.Script` and the `cachedData` a previous process wrote. V8 then deserializes the bytecode of
// every function that process ran instead of parsing and compiling them again. Used by the
// `codex-gates` executable (src/app/cli/bin.ts). Plain JavaScript on purpose: it must run where
// tsx is not loaded; CommonJS, so that the hook's launcher (.husky/launch.cjs) starts without Node's
// ES module loader.
//
// The cache is an optimisation only: a missing, corrupt, rejected (other V8 version or flags) or
// unwritable cache never changes what runs, it only costs the compile it would have saved.
'use strict'
const {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs')
const { basename, dirname, join } = require('node:path')
const { Script } = require('node:vm')

/**
 * Compiles `file` as the body of `function (...params)`, with a code cache when `cache` is given:
 * the first of `cache.files` that exists (they are in order of preference). `status`: `off` (no
 * cache asked), `hit`, `miss` (none of the files) or `rejected` (V8 refused it: corrupt, or made
 * for other source, V8 version or flags). Call `fn` with the arguments, then `save(target)` once
 * the program has run (at exit), so that the functions it compiled on the way are in the cache:
 * it writes `target` (one of `cache.files`) after a miss or a rejection, or when `target` is
 * preferred to the file the cache came from, and then removes the less preferred files.
 */
function compileCached({ file, params, encoding = 'utf8', cache }) {
  const source = readFileSync(file, encoding)
  let cachedData
  let from = -1
  for (const [i, path] of (cache?.files ?? []).entries()) {
    try {
      cachedData = readFileSync(path)
      from = i
      break
    } catch {
      // not there (or unreadable): the next one, else compiled from source and written at save()
    }
  }
  // One line: the bundle's line numbers stay those of the file in stack traces.
  const script = new Script(`(function (${params.join(', ')}) {${source}\n})`, { filename: file, cachedData })
  const status = !cache ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit'
  return {
    status,
    fn: script.runInThisContext(),
    save: (target = cache?.files[0]) => {
      const rank = target === undefined ? -1 : (cache?.files.indexOf(target) ?? -1)
      if (rank < 0 || (status === 'hit' && rank >= from)) return status
      if (status === 'rejected') quietly(() => rmSync(cache.files[from], { force: true }))
      return writeCache(script, target, cache.files.slice(rank + 1), cache.stale)
    },
  }
}

/**
 * Where the package at `packageRoot` keeps its code caches: `node_modules/.cache/codex-gates`, the
 * one beside the installed package (`<project>/node_modules/codex-gates` → `<project>/node_modules/.cache/codex-gates`,
 * find-cache-dir's convention) or inside the checkout's own `node_modules`.
 */
function codeCacheDir(packageRoot) {
  const parent = dirname(packageRoot)
  const modules = basename(parent) === 'node_modules' ? parent : join(packageRoot, 'node_modules')
  return join(modules, '.cache', 'codex-gates')
}

/** A short, stable hash of a string (FNV-1a, 32 bits, hex): V8 flags in a cache key without loading node:crypto. */
function shortHash(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16).padStart(8, '0')
}

module.exports = { compileCached, codeCacheDir, shortHash }

// --- internal ---

/**
 * Writes the cache atomically (temp file, then rename: a concurrent reader sees the old file or
 * the new one, never half of one), then removes `worse` and the folder's files that `stale`
 * names (older bundles') and that are over a day old. A folder that cannot be written (a read-only install) is skipped:
 * `unwritable`.
 */
function writeCache(script, target, worse, stale) {
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`
  let fd
  try {
    mkdirSync(dirname(target), { recursive: true })
    // Opened before the cache is serialized (~0.5 MB): a read-only install pays nothing for it.
    fd = openSync(temp, 'wx')
    writeFileSync(fd, script.createCachedData())
    closeSync(fd)
    fd = undefined
    renameSync(temp, target)
  } catch {
    if (fd !== undefined) quietly(() => closeSync(fd))
    quietly(() => rmSync(temp, { force: true }))
    return 'unwritable'
  }
  for (const path of worse) quietly(() => rmSync(path, { force: true }))
  if (stale)
    quietly(() => {
      const before = Date.now() - STALE_AFTER_MS
      for (const name of readdirSync(dirname(target))) {
        if (!stale(name)) continue
        const path = join(dirname(target), name)
        quietly(() => {
          if (statSync(path).mtimeMs < before) rmSync(path, { force: true })
        })
      }
    })
  return 'saved'
}

/**
 * Another build's cache goes only once it is this old: two checkouts sharing one cache folder (a
 * node_modules linked into a second worktree) would otherwise remove each other's on every write,
 * and each then compile from source every run. A cache is written once and then only read, so its
 * mtime is when its build was first run.
 */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000

/** Cleanup that may fail (another process removed the file first, a read-only folder): ignored. */
function quietly(work) {
  try {
    work()
  } catch {
    // nothing to clean up, or not ours to
  }
}

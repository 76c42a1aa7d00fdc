// The environment of a hook standby (standby-place.cjs): the one it starts with, the variables
// its code read before the commit came, and whether the commit's own environment differs there.
// The standby serves a commit only when every variable its loaded code read is the same in the
// commit's environment (module-level settings were computed from them); the commit's environment
// then replaces its own before the hook runs. CommonJS: the launcher loads it before any bundle.
'use strict'

/** Read by Node itself or the launcher before any tracking starts: always compared. */
const ALWAYS = /^(NODE_|CODEX_HOOK_RUNNER$|CODEX_CODE_CACHE$)/

/**
 * What a standby starts with: the hook's environment without what git sets for one commit
 * (GIT_INDEX_FILE and the rest of GIT_*), which the commit's request brings.
 */
function standbyEnv(env) {
  const out = {}
  for (const [name, value] of Object.entries(env)) if (!name.startsWith('GIT_')) out[name] = value
  return out
}

/**
 * Puts a recorder in front of process.env: every variable read (or tested) from now on is noted,
 * and a listing of them all (`{ ...process.env }`) means all. `stop()` puts the real object back
 * and returns the names, or 'all'. Code that kept the recorder reads through to the same object.
 */
function trackEnv() {
  const real = process.env
  const names = new Set()
  let all = false
  const note = (name) => {
    if (typeof name === 'string') names.add(name)
  }
  process.env = new Proxy(real, {
    get(target, name) {
      note(name)
      return target[name]
    },
    has(target, name) {
      note(name)
      return name in target
    },
    getOwnPropertyDescriptor(target, name) {
      note(name)
      return Reflect.getOwnPropertyDescriptor(target, name)
    },
    ownKeys(target) {
      all = true
      return Reflect.ownKeys(target)
    },
  })
  return {
    stop() {
      process.env = real
      return all ? 'all' : names
    },
  }
}

/**
 * The first variable whose value differs between the standby's environment `own` and the commit's
 * `asked`, among `read` (or all) plus those Node and the launcher read; undefined when none does.
 * GIT_* never count: git sets them per commit, a standby starts without them, and they are read
 * when the commit's hook runs (reading GIT_INDEX_FILE ahead, the preload only warms up the index
 * reader). Names only: values never leave this function.
 */
function envChange(own, asked, read) {
  const names = new Set(read === 'all' ? [...Object.keys(own), ...Object.keys(asked)] : read)
  for (const name of [...Object.keys(own), ...Object.keys(asked)]) if (ALWAYS.test(name)) names.add(name)
  for (const name of names) {
    if (name.startsWith('GIT_')) continue
    if (own[name] !== asked[name]) return name
  }
  return undefined
}

/** Where the process that runs `standby serve` leaves its start record (src/app/hook/standby-serve.ts reads it). */
const START_KEY = Symbol.for('codex-gates.hook.standby')

/**
 * For `standby serve`, before its program runs (the launcher's or the executable's): starts noting
 * the environment variables read, and leaves the record standby-serve.ts takes: `stopTracking`,
 * `stale` (why the loaded code is no longer what a hook would run, or undefined: `rebuilt` when
 * one of `files`, the program it loaded, is not the file it was, else what `stale` of the caller
 * says) and `command` (what starts the next standby).
 */
function recordStandbyStart({ files, rebuilt, stale = () => undefined, command }) {
  const { statSync } = require('node:fs')
  const identity = () =>
    files
      .map((file) => {
        try {
          const s = statSync(file)
          return `${s.ino}:${s.size}:${s.mtimeMs}`
        } catch {
          return 'gone'
        }
      })
      .join(' ')
  const loaded = identity()
  const tracking = trackEnv()
  globalThis[START_KEY] = {
    stopTracking: () => tracking.stop(),
    stale: () => (identity() === loaded ? stale() : rebuilt),
    command,
  }
}

module.exports = { START_KEY, envChange, recordStandbyStart, standbyEnv, trackEnv }

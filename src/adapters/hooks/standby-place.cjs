// Where a repository's hook standby listens, whether one may be used, and how one is started.
// The standby (src/app/hook/standby-command.ts) is a pre-commit hook process started ahead of the
// next commit: Node started, the runner compiled and its modules loaded, waiting on a socket in the
// repository's git folder. The launcher (.husky/launch.cjs, or the installed executable) asks it
// to run the hook (standby-client.cjs) and relays what it prints; a commit then pays for a ~25 ms
// client instead of the ~60 ms it takes Node to load the runner. CommonJS and plain JavaScript:
// the launcher loads it before any bundle.
'use strict'
const { lstatSync, mkdirSync, readFileSync, statSync } = require('node:fs')
const { join, relative, resolve } = require('node:path')
const { standbyEnv } = require('./standby-env.cjs')

/** A standby exits after this long without a commit, unless CODEX_HOOK_STANDBY_IDLE_MS says otherwise (ms). */
const DEFAULT_IDLE_MS = 15 * 60 * 1000

/** Unix socket addresses are limited to ~104 bytes (macOS; 108 on Linux): longer ones are refused. */
const MAX_ADDRESS = 100

/**
 * Whether the hook may use a standby and start one: not on Windows, not where CI is set (a CI job
 * has no next commit), not with CODEX_HOOK_STANDBY=0; CODEX_HOOK_STANDBY=1 turns it on under CI too.
 */
function standbyWanted(env = process.env) {
  if (process.platform === 'win32') return false
  const own = flag(env.CODEX_HOOK_STANDBY)
  if (own !== undefined) return own
  return !(env.CI ?? '').trim()
}

/** CODEX_HOOK_STANDBY_IDLE_MS, or the default when unset or not a whole number > 0. */
function standbyIdleMs(env = process.env) {
  const n = Number((env.CODEX_HOOK_STANDBY_IDLE_MS ?? '').trim())
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_IDLE_MS
}

/**
 * The standby's folder and socket for the work tree whose top level is `cwd`: `<git dir>/
 * codex-gates/standby/hook.sock`, and the address this process connects to or listens on
 * (relative to its working folder when that is shorter; hooks run at the top level). Undefined
 * when there is no git folder to find without a git process, or no address short enough.
 */
function standbyPlace(cwd, env = process.env) {
  const gitDir = gitDirOf(cwd, env)
  if (gitDir === undefined) return undefined
  const dir = join(gitDir, 'codex-gates', 'standby')
  const socket = join(dir, 'hook.sock')
  const near = relative(process.cwd(), socket)
  const address = near.length < socket.length ? near : socket
  return address.length > MAX_ADDRESS ? undefined : { dir, socket, address }
}

/**
 * Creates the standby's folder mode 0700 and checks it is a real folder of this user that no one
 * else can enter (only its owner may then connect to the socket in it): undefined when it is, else why not.
 */
function secureFolder(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const stat = lstatSync(dir)
    if (!stat.isDirectory()) return `${dir} is not a folder`
    if (process.getuid && stat.uid !== process.getuid()) return `${dir} belongs to uid ${stat.uid}`
    if ((stat.mode & 0o077) !== 0) return `${dir} has mode ${(stat.mode & 0o777).toString(8)}, not 700`
    return undefined
  } catch (error) {
    return `cannot create ${dir}: ${error instanceof Error ? error.message : String(error)}`
  }
}

/**
 * Starts a standby in the background for the work tree at `cwd`: `node <command…>` (the launcher's
 * or the executable's own `… standby serve`), detached, no stdio, so it outlives the hook and never
 * holds git's pipes. Returns whether one was started. A socket left by one that did not exit
 * cleanly is replaced; a live standby found there later leaves (standby-server.ts).
 */
function spawnStandby(cwd, command, env = process.env) {
  const place = standbyPlace(cwd, env)
  if (place === undefined) return false
  try {
    // Loaded here: a commit that a standby answers never starts a process itself.
    const { spawn } = require('node:child_process')
    const child = spawn(process.execPath, command, {
      cwd,
      env: standbyEnv(env),
      detached: true,
      stdio: 'ignore',
    })
    child.on('error', () => {}) // the next commit tries again
    child.unref()
    return true
  } catch {
    return false
  }
}

// --- internal ---

/** A flag variable's value as settings.ts reads flags: true, false, or undefined (unset or neither). */
function flag(raw) {
  const text = (raw ?? '').trim()
  if (/^(1|true|yes|on)$/i.test(text)) return true
  if (/^(0|false|no|off)$/i.test(text)) return false
  return undefined
}

/** The git folder of the work tree at `cwd`: GIT_DIR, `.git`, or where a `.git` file points (worktrees). */
function gitDirOf(cwd, env) {
  if (env.GIT_DIR) return resolve(cwd, env.GIT_DIR)
  const dotGit = join(cwd, '.git')
  try {
    if (statSync(dotGit).isDirectory()) return dotGit
    const pointer = /^gitdir: (.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))
    return pointer ? resolve(cwd, pointer[1]) : undefined
  } catch {
    return undefined
  }
}

module.exports = {
  DEFAULT_IDLE_MS,
  flag,
  secureFolder,
  spawnStandby,
  standbyIdleMs,
  standbyPlace,
  standbyWanted,
}

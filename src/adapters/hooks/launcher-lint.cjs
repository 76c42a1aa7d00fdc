// Biome for the pre-commit hook, started by its launcher (.husky/launch.cjs) before the runner's
// code is even compiled: the lint step's ~25 ms of Biome then run beside the ~25 ms Node spends
// loading the runner and reading the index, instead of after them (the runner would start the very
// same process ~30 ms later, early-lint.ts). The launcher knows nothing of the gate config: it
// follows the plan the last run left in the git dir (`.git/codex-gates/early-lint.json`, written
// by early-lint.ts), checked against the index's config blob, and the runner adopts the process
// only when its own plan is the same, file for file and blob for blob; otherwise it is stopped and
// the step runs as before. CommonJS and plain JavaScript, as early-git.cjs (the launcher loads it
// without Node's ES module loader).
'use strict'
const { spawn } = require('node:child_process')
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs')
const { tmpdir } = require('node:os')
const { dirname, join } = require('node:path')
const { OWN_PROCESS_GROUP, releaseEarlyGit } = require('./early-git.cjs')

/** Where the launcher leaves its Biome for the runner. */
const KEY = Symbol.for('codex-gates.hook.launcher-lint')

/** The plan's place in the git dir, and the layout version it must have. */
const PLAN_FILE = join('codex-gates', 'early-lint.json')
const PLAN_VERSION = 1

/** How long the launcher waits for `git diff --cached` before leaving the lint to the runner (ms). */
const WAIT_MS = 20

/**
 * How long one round with `git cat-file` may take (ms): past it the process is stopped, and the
 * runner, finding it gone, reads the objects with processes of its own (object-reader.ts).
 */
const ROUND_MS = 2000

/** Larger commits are left to the runner: the head start matters for small ones, the memory for large ones. */
const MAX_FILES = 500
const MAX_BYTES = 32 * 1024 * 1024

/**
 * Starts Biome on the staged bytes of the changed files the plan selects, when there is a plan for
 * the index's config, and leaves it for `takeLauncherLint`. Resolves once Biome is started or it
 * is clear it will not be (never rejects: anything unexpected leaves the step to the runner).
 */
function startLauncherLint(cwd, early, env = process.env, keep = leaveLauncherLint) {
  if (early === undefined || skipsLint(env.SKIP) || env.CODEX_HOOK_FIX || env.GIT_DIR || env.GIT_WORK_TREE)
    return Promise.resolve()
  const plan = readPlan(cwd)
  if (plan === undefined) return Promise.resolve()
  let dir
  return withTimeout(early.changed, WAIT_MS)
    .then(async (changed) => {
      if (changed === undefined || changed.code !== 0) return
      const include = new RegExp(plan.include, plan.includeFlags)
      const exclude = plan.exclude.map((source) => new RegExp(source))
      const files = changed.stdout
        .split('\0')
        .filter((p) => p !== '' && include.test(p) && !exclude.some((re) => re.test(p)))
      if (files.length === 0 || files.length > MAX_FILES || ![...files, ...plan.support].every(nameable)) return
      // First the config's blob id and every size (a blob past the plan's cap is exported sparse by
      // the runner: it does this one), then the bytes.
      const exported = [...files, ...plan.support]
      const infos = await catFile(
        early.objects,
        [...plan.configFiles, ...exported].map((f) => `info :${f}`),
      )
      const configs = infos.slice(0, plan.configFiles.length)
      const sizes = infos.slice(plan.configFiles.length)
      if ((configs.find((c) => c !== undefined)?.oid ?? null) !== plan.configBlob) return
      if (sizes.slice(0, files.length).some((b) => b === undefined)) return
      if (sizes.some((b) => b !== undefined && (b.type !== 'blob' || b.size > plan.sparseOverBytes))) return
      if (sizes.reduce((sum, b) => sum + (b?.size ?? 0), 0) > MAX_BYTES) return
      const present = exported.filter((_, i) => sizes[i] !== undefined)
      const blobs = await catFile(
        early.objects,
        present.map((f) => `contents :${f}`),
      )
      dir = mkdtempSync(join(tmpdir(), 'codex-lint-'))
      const oids = {}
      for (const [i, path] of present.entries()) {
        const blob = blobs[i]
        if (blob === undefined || blob.oid !== sizes[exported.indexOf(path)]?.oid) return
        mkdirSync(dirname(join(dir, path)), { recursive: true })
        writeFileSync(join(dir, path), blob.bytes)
        oids[path] = blob.oid
      }
      const started = process.uptime() * 1000
      const child = spawn(plan.biome, [...plan.args, ...files], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: OWN_PROCESS_GROUP,
      })
      const out = []
      const err = []
      child.stdout.on('data', (chunk) => out.push(chunk))
      child.stderr.on('data', (chunk) => err.push(chunk))
      const ended = new Promise((resolve) => {
        child.once('error', (error) => resolve({ error, endedMs: process.uptime() * 1000 }))
        child.once('close', (code) =>
          resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), endedMs: process.uptime() * 1000 }),
        )
      })
      const owned = dir
      const launched = {
        cwd,
        dir,
        plan: plan.text,
        files,
        oids,
        startedMs: started,
        child,
        ended,
        dispose: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
          rmSync(owned, { recursive: true, force: true })
        },
      }
      keep(launched)
      dir = undefined
    })
    .catch(() => undefined)
    .finally(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    })
}

/**
 * Leaves a started Biome for the runner (`takeLauncherLint`). Left untaken (the runner failed to
 * start, or runs another way), it is stopped and its folder removed as the process exits.
 */
function leaveLauncherLint(launched) {
  globalThis[KEY] = launched
  process.once('exit', () => {
    if (globalThis[KEY] === launched) launched.dispose()
  })
}

/** Whether SKIP names the lint step (skip.ts's reading: comma-separated step names, spaces ignored). */
function skipsLint(skip) {
  return (skip ?? '').split(',').some((name) => name.trim() === 'lint')
}

/** The launcher's Biome, once, where it ran in `cwd`; anywhere else it is stopped. */
function takeLauncherLint(cwd) {
  const launched = globalThis[KEY]
  delete globalThis[KEY]
  if (launched === undefined || launched.cwd === cwd) return launched
  launched.dispose()
  return undefined
}

/** The plan's path for the repository at `cwd` (its `.git` a folder; the launcher does not follow `.git` files). */
function planPath(cwd) {
  return join(cwd, '.git', PLAN_FILE)
}

// --- internal ---

/** The plan, or undefined when there is none or it is not this layout. */
function readPlan(cwd) {
  let text
  try {
    text = readFileSync(planPath(cwd), 'utf8')
  } catch {
    return undefined
  }
  try {
    const plan = JSON.parse(text)
    const strings = (xs) => Array.isArray(xs) && xs.every((x) => typeof x === 'string')
    if (
      plan?.version !== PLAN_VERSION ||
      typeof plan.include !== 'string' ||
      typeof plan.includeFlags !== 'string' ||
      !strings(plan.exclude) ||
      !strings(plan.support) ||
      !strings(plan.configFiles) ||
      !(plan.configBlob === null || typeof plan.configBlob === 'string') ||
      typeof plan.biome !== 'string' ||
      !strings(plan.args) ||
      typeof plan.sparseOverBytes !== 'number'
    )
      return undefined
    return { ...plan, text }
  } catch {
    return undefined
  }
}

/** A path `git cat-file --batch-command` can be asked for by name (one line, no edge spaces). */
function nameable(path) {
  return !/[\n\r]/.test(path) && path.trim() === path
}

function withTimeout(promise, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      () => {
        clearTimeout(timer)
        resolve(undefined)
      },
    )
  })
}

/**
 * Asks the launcher's `git cat-file --batch-command` (early-git.cjs) for `commands` (`info <obj>`,
 * `contents <obj>`) and parses the answers: `{ oid, type, size, bytes }` each, undefined for a
 * missing object. The runner's ObjectReader takes the process over afterwards: every answer is
 * read before this resolves, and its listener is gone by then.
 */
function catFile(child, commands) {
  return new Promise((resolve, reject) => {
    const answers = []
    let buffer = Buffer.alloc(0)
    let done = (error) => {
      child.stdout.off('data', onData)
      child.off('close', onClose)
      if (error) reject(error)
      else resolve(answers)
    }
    const onClose = () => done(new Error('git cat-file ended'))
    const onData = (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
      while (answers.length < commands.length) {
        const newline = buffer.indexOf(0x0a)
        if (newline < 0) return
        const line = buffer.toString('utf8', 0, newline)
        const contents = commands[answers.length].startsWith('contents ')
        if (line.endsWith(' missing')) {
          answers.push(undefined)
          buffer = buffer.subarray(newline + 1)
          continue
        }
        const header = line.split(' ')
        const [oid = '', type, sizeText = ''] = header
        const size = Number(sizeText)
        if (header.length !== 3 || !/^[0-9a-f]{40,64}$/.test(oid) || !/^\d+$/.test(sizeText))
          return done(new Error(`git cat-file: ${line}`))
        const end = newline + 1 + (contents ? size + 1 : 0)
        if (buffer.length < end) return
        answers.push({
          oid,
          type,
          size,
          bytes: contents ? buffer.subarray(newline + 1, newline + 1 + size) : undefined,
        })
        buffer = buffer.subarray(end)
      }
      done()
    }
    const timer = setTimeout(() => done(new Error('git cat-file did not answer in time')), ROUND_MS)
    const finish = done
    done = (error) => {
      clearTimeout(timer)
      // Stopped mid-answer, the process is of no use to the runner, which would read the rest as
      // its own: it is stopped, and the runner starts its git processes itself.
      if (error) {
        child.kill('SIGKILL')
        releaseEarlyGit(child)
      }
      finish(error)
    }
    child.stdout.on('data', onData)
    child.once('close', onClose)
    child.stdin.write(`${commands.join('\n')}\n`)
  })
}

module.exports = { PLAN_FILE, PLAN_VERSION, leaveLauncherLint, planPath, startLauncherLint, takeLauncherLint }

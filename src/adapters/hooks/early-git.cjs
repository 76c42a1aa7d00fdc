// The git processes of the hooks, and the pre-commit hook's first three started by its launcher.
// .husky/launch.cjs starts `git write-tree`, `git diff --cached` and `git cat-file --batch-command`
// (startEarlyGit) before it reads and compiles the runner's bundle: they run during those ~25 ms
// instead of after them, from a process a tenth of the runner's size (a fork copies its page
// tables). The runner adopts them (takeEarlyGit, in pre-commit-start.ts) where it would have
// started the very same processes. CommonJS and plain JavaScript, so that the launcher loads it
// without Node's ES module loader or tsx; src/adapters/hooks/git.ts and object-reader.ts run git
// through it too, so the processes are the same whoever starts them.
'use strict'
const { spawn } = require('node:child_process')

/** Where the launcher leaves its processes for the runner (one process, one hook). */
const KEY = Symbol.for('codex-gates.hook.early-git')

/**
 * Children run in their own process group: Ctrl-C in the terminal then reaches only the hook,
 * which stops them itself, instead of racing their deaths against its own signal handler.
 */
const OWN_PROCESS_GROUP = process.platform !== 'win32'

/** The index snapshot's two git commands (src/adapters/hooks/snapshot.ts). */
const WRITE_TREE = ['write-tree']
const DIFF_CACHED = [
  'diff',
  '--cached',
  '--name-only',
  '-z',
  '--no-renames',
  '--diff-filter=ACMRT',
  '--ignore-submodules',
]

/** Runs git, collecting output; never rejects for a non-zero exit (the caller reads `code`). */
function runGit(args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: OWN_PROCESS_GROUP,
    })
    const out = []
    const err = []
    child.stdout?.on('data', (chunk) => out.push(chunk))
    child.stderr?.on('data', (chunk) => err.push(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      })
    })
    if (options.input !== undefined) {
      // A git that exits before reading all its input (killed, or failing early) breaks the pipe:
      // its exit code and stderr tell what happened, not the EPIPE.
      child.stdin?.on('error', () => {})
      child.stdin?.end(options.input)
    }
  })
}

/** `git cat-file --batch-command`, its three pipes open (src/adapters/hooks/object-reader.ts reads it). */
function spawnCatFile(options) {
  return spawn('git', ['cat-file', '--batch-command'], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), GIT_OPTIONAL_LOCKS: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: OWN_PROCESS_GROUP,
  })
}

/**
 * Starts the pre-commit snapshot's processes in `cwd` with this process's environment, for the
 * runner to take. Their failures surface where the runner awaits them, never as unhandled.
 */
function startEarlyGit(cwd) {
  const early = process.platform === 'win32' ? separately(cwd) : inOneShell(cwd)
  for (const run of [early.tree, early.changed]) run.catch(() => undefined)
  early.objects.on('error', () => undefined)
  early.objects.stdin.on('error', () => undefined)
  globalThis[KEY] = { cwd, ...early }
  return globalThis[KEY]
}

function separately(cwd) {
  return { tree: runGit(WRITE_TREE, { cwd }), changed: runGit(DIFF_CACHED, { cwd }), objects: spawnCatFile({ cwd }) }
}

/**
 * The three from one `sh`: Node's spawn blocks until the child has exec'd (libuv waits to report an
 * exec failure), 1–6 ms a process here, so one start costs the launcher one wait instead of three
 * (3.6 vs 7.5 ms, measured). The shell becomes cat-file (its stdin, stdout and stderr are the
 * child's own, as spawnCatFile's); write-tree and diff run beside it, each with its stdout on a
 * pipe of its own (fds 3 and 4), their stderr on fd 6 and their exit codes as lines on fd 5.
 */
function inOneShell(cwd) {
  const script = [
    `{ git ${WRITE_TREE.join(' ')} >&3; echo "tree $?" >&5; } </dev/null >/dev/null 2>&6 4>&- &`,
    `{ git ${DIFF_CACHED.join(' ')} >&4; echo "changed $?" >&5; } </dev/null >/dev/null 2>&6 3>&- &`,
    'exec git cat-file --batch-command 3>&- 4>&- 5>&- 6>&-',
  ].join('\n')
  const child = spawn('/bin/sh', ['-c', script], {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: OWN_PROCESS_GROUP,
  })
  const failed = new Promise((resolve) => child.once('error', resolve))
  const text = (fd) =>
    new Promise((resolve) => {
      const chunks = []
      child.stdio[fd].on('data', (chunk) => chunks.push(chunk))
      child.stdio[fd].once('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
  const [tree, changed, stderr] = [3, 4, 6].map(text)
  // Each exit code as soon as its line is written: fd 5 closes only once both have exited, and
  // `git diff` (which the launcher's Biome waits for) is done long before `git write-tree`.
  const codes = exitCodes(child.stdio[5])
  const result = (name, stdout) =>
    Promise.race([
      Promise.all([stdout, codes(name)]).then(([out, code]) =>
        // A failure's message is on the shared stderr: it is awaited then (both have ended).
        code === 0 ? { code, stdout: out, stderr: '' } : stderr.then((err) => ({ code, stdout: out, stderr: err })),
      ),
      failed.then((error) => Promise.reject(error)),
    ])
  const both = [result('tree', tree), result('changed', changed)]
  // runGit's limit: a git that never ends is killed (with its shell's whole process group).
  const timer = setTimeout(() => {
    try {
      process.kill(OWN_PROCESS_GROUP ? -child.pid : child.pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }, 30_000)
  Promise.allSettled(both).then(() => clearTimeout(timer))
  return { tree: both[0], changed: both[1], objects: child }
}

/**
 * `name → Promise<exit code>` from `<name> <code>` lines on `stream`; a name whose line never came
 * (its shell died) gets 1 once the stream closes.
 */
function exitCodes(stream) {
  const known = new Map()
  const waiting = new Map()
  let text = ''
  const settle = (name, code) => {
    known.set(name, code)
    waiting.get(name)?.(code)
  }
  stream.on('data', (chunk) => {
    text += chunk.toString('utf8')
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n')) {
      const match = /^(\w+) (\d+)$/.exec(text.slice(0, newline))
      text = text.slice(newline + 1)
      if (match) settle(match[1], Number(match[2]))
    }
  })
  stream.once('close', () => {
    for (const name of waiting.keys()) if (!known.has(name)) settle(name, 1)
  })
  return (name) =>
    known.has(name)
      ? Promise.resolve(known.get(name))
      : new Promise((resolve) => {
          waiting.set(name, resolve)
          if (stream.closed || stream.destroyed) settle(name, known.get(name) ?? 1)
        })
}

/**
 * The processes the launcher started, once: where they ran in `cwd` (the repository's top, where
 * the hook runs git); anywhere else they are let go (`releaseEarlyGit`) and undefined comes back.
 */
function takeEarlyGit(cwd) {
  const early = globalThis[KEY]
  delete globalThis[KEY]
  if (early === undefined || early.cwd === cwd) return early
  release(early)
  return undefined
}

/**
 * Lets the launcher's processes go unused (the hook runs another way): cat-file exits on its closed
 * stdin. With `objects`, only when that is their cat-file (not another reader's).
 */
function releaseEarlyGit(objects) {
  const early = globalThis[KEY]
  if (early === undefined || (objects !== undefined && early.objects !== objects)) return
  delete globalThis[KEY]
  release(early)
}

function release(early) {
  early.objects.stdin.end()
}

module.exports = {
  OWN_PROCESS_GROUP,
  WRITE_TREE,
  DIFF_CACHED,
  runGit,
  spawnCatFile,
  startEarlyGit,
  takeEarlyGit,
  releaseEarlyGit,
}

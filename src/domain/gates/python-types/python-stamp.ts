import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants, realpathSync, statSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { setting } from '../../../foundation/settings/settings.ts'
import { readJsonMemo, writeJsonMemo } from '../json-memo.ts'
import { gateCachePath } from '../result-cache.ts'

/**
 * `python3` (else `python`), as pyright picks it: its sys.path folders and their mtimes, hashed.
 * Asking Python for sys.path costs a process (~50–300 ms); the answer is remembered in
 * `python-paths.json` beside the gate cache against what decides it — the interpreter found on
 * PATH (its path, and its real file's size, mtime and inode), its venv's pyvenv.cfg, the root,
 * PYTHONPATH and VIRTUAL_ENV — and reused only while every folder on it keeps its mtime (a
 * package or `.pth` file installed since changes its folder's mtime, so Python is asked again).
 */
export function pythonEnvironmentStamp(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const memoPath = join(dirname(gateCachePath(env, root)), 'python-paths.json')
  const key = interpreterKey(root, env)
  const memo = key ? readJsonMemo<Known>(memoPath) : {}
  const known = key ? memo[key] : undefined
  if (
    known &&
    Array.isArray(known.paths) &&
    Array.isArray(known.mtimes) &&
    known.paths.every((p, i) => mtimeOf(p) === known.mtimes[i])
  )
    return stampOf(known.python, known.paths, known.mtimes)
  const asked = askPython(root, env)
  if (!asked) return 'no-python'
  const mtimes = asked.paths.map(mtimeOf)
  if (key) writeJsonMemo(memoPath, { ...memo, [key]: { python: asked.python, paths: asked.paths, mtimes } }, KEEP)
  return stampOf(asked.python, asked.paths, mtimes)
}

// --- internal ---

interface Known {
  python: string
  paths: string[]
  mtimes: string[]
}

const KEEP = 50

function stampOf(python: string, paths: readonly string[], mtimes: readonly string[]): string {
  const hash = createHash('sha256')
  paths.forEach((p, i) => {
    hash.update(`${p}\0${mtimes[i]}\n`)
  })
  return `${python}:${hash.digest('hex').slice(0, 16)}`
}

function askPython(root: string, env: NodeJS.ProcessEnv): { python: string; paths: string[] } | undefined {
  for (const python of ['python3', 'python']) {
    try {
      const out = execFileSync(python, ['-c', 'import json, sys; print(json.dumps([sys.executable] + sys.path))'], {
        cwd: root,
        env,
        timeout: 10_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString()
      return { python, paths: JSON.parse(out) as string[] }
    } catch {
      // not on PATH, or not runnable: try the next name, as pyright does
    }
  }
  return undefined
}

function mtimeOf(path: string): string {
  try {
    return String(statSync(path).mtimeMs)
  } catch {
    return 'missing' // a sys.path entry that does not exist (e.g. a zip of the stdlib)
  }
}

/** What decides sys.path without running Python; undefined when no interpreter is on PATH. */
function interpreterKey(root: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (setting('PATH', env) ?? '').split(delimiter).filter(Boolean)
  for (const name of ['python3', 'python']) {
    for (const dir of dirs) {
      const candidate = join(dir, name)
      try {
        accessSync(candidate, constants.X_OK)
        const real = realpathSync(candidate)
        const s = statSync(real, { bigint: true })
        if (!s.isFile()) continue
        const venv = mtimeOf(join(dirname(dirname(candidate)), 'pyvenv.cfg'))
        return [
          root,
          candidate,
          `${real}:${s.size}:${s.mtimeNs}:${s.ino}`,
          venv,
          setting('PYTHONPATH', env) ?? '',
          setting('VIRTUAL_ENV', env) ?? '',
        ].join('\0')
      } catch {
        // not here: the next PATH folder
      }
    }
  }
  return undefined
}

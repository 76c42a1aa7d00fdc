import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'

/**
 * Where `tool` would be found by `execvp`: a name with a `/` is a path (relative to `cwd`), any
 * other name is looked up in `PATH` — an executable regular file. Undefined when there is none.
 */
export function findTool(tool: string, cwd: string, path: string | undefined): string | undefined {
  if (tool.includes('/')) {
    const full = isAbsolute(tool) ? tool : resolve(cwd, tool)
    return isExecutableFile(full) ? full : undefined
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue
    const full = join(dir, tool)
    if (isExecutableFile(full)) return full
  }
  return undefined
}

/**
 * The program a command starts: argv[0], or for a `sh -c` string the first word that is not a
 * `NAME=value` assignment. Undefined for shell syntax whose program cannot be told without
 * running it (`cd x && …`, `(…)`, `$TOOL`): such a command is run and judged by its exit code.
 */
export function commandTool(run: readonly string[] | string): string | undefined {
  if (Array.isArray(run)) return run[0]
  const words = (run as string).trim().split(/\s+/)
  const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))
  if (word === undefined || SHELL_WORDS.has(word) || /[$`(){};&|<>*?'"\\]/.test(word)) return undefined
  return word
}

// --- internal ---

/** Builtins and keywords: present in every shell, never on PATH. */
const SHELL_WORDS = new Set([
  'cd',
  'exec',
  'export',
  'set',
  'unset',
  'if',
  'for',
  'while',
  'case',
  'test',
  '[',
  'true',
  'false',
  'echo',
  'printf',
  'exit',
  'eval',
  '.',
  'source',
  'command',
  'trap',
  'umask',
  'wait',
  'read',
])

function isExecutableFile(full: string): boolean {
  try {
    if (!statSync(full).isFile()) return false
    accessSync(full, constants.X_OK)
    return true
  } catch {
    return false
  }
}

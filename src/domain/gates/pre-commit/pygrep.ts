import { parseHookArgs } from './hook-args.ts'
import type { HookFile, HookOutcome, HookProblem } from './hook-types.ts'
import { compilePythonRegex } from './python-regex.ts'

export interface PygrepOptions {
  ignoreCase: boolean // -i / --ignore-case
  multiline: boolean // --multiline: the whole file at once, with re.MULTILINE | re.DOTALL
  negate: boolean // --negate: fail for files with no match
}

/** pygrep's flags from a hook's `args` (the pattern is the hook's `entry`). */
export function parsePygrepArgs(hookId: string, args: readonly string[]): PygrepOptions {
  const { values } = parseHookArgs(hookId, args, [
    { dest: 'i', names: ['-i', '--ignore-case'], action: 'flag' },
    { dest: 'multiline', names: ['--multiline'], action: 'flag' },
    { dest: 'negate', names: ['--negate'], action: 'flag' },
  ])
  return { ignoreCase: values.i === true, multiline: values.multiline === true, negate: values.negate === true }
}

/**
 * pre-commit's `pygrep` language: a Python bytes regex searched line by line (or over the whole
 * file with --multiline). A match is a problem, printed `{file}:{line}:{the line}` (with
 * --multiline, the first match, from the start of its first line); with --negate, a file with no
 * match is the problem, printed as its name.
 */
export function pygrep(pattern: string, files: readonly HookFile[], options: PygrepOptions): HookOutcome {
  const re = compilePythonRegex(pattern, {
    bytes: true,
    ignoreCase: options.ignoreCase,
    multiline: options.multiline,
    dotAll: options.multiline,
  })
  const problems: HookProblem[] = []
  for (const file of files) {
    const show = (s: string) => Buffer.from(s, 'latin1').toString('utf8')
    if (options.multiline) {
      const text = latin1(file.bytes)
      re.lastIndex = 0
      const m = re.exec(text)
      if (options.negate) {
        if (!m) problems.push({ path: file.path, message: file.path })
        continue
      }
      if (!m) continue
      const line = text.slice(0, m.index).split('\n').length
      const matched = m[0].split('\n')
      matched[0] = text.split('\n')[line - 1] as string
      problems.push({ path: file.path, line, message: `${file.path}:${line}:${show(matched.join('\n'))}` })
      continue
    }
    const lines = linesOf(file)
    if (options.negate) {
      if (!lines.some((l) => re.test(l))) problems.push({ path: file.path, message: file.path })
      continue
    }
    lines.forEach((l, i) => {
      if (re.test(l))
        problems.push({
          path: file.path,
          line: i + 1,
          message: `${file.path}:${i + 1}:${show(l.replace(/[\r\n]+$/, ''))}`,
        })
    })
  }
  return { failed: problems.length > 0, problems, fixes: new Map() }
}

/** pre-commit's `fail` language: any file fails; the output is the entry, a blank line, the file names. */
export function failLanguage(entry: string, files: readonly string[]): HookOutcome {
  return {
    failed: true,
    problems: files.length === 0 ? [{ message: entry }] : files.map((path) => ({ path, message: `${entry}\n${path}` })),
    fixes: new Map(),
  }
}

// --- internal ---

/** Each byte as one char (latin1): a bytes regex runs on it unchanged, without copying the bytes. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

const fileLines = new WeakMap<HookFile, string[]>()

/**
 * A file's lines as Python's binary `readlines()` gives them (each ends after its `\n`), as latin1
 * strings; remembered per file, since a run's pygrep hooks mostly read the same files (hookFiles
 * hands each hook the same HookFile).
 */
function linesOf(file: HookFile): string[] {
  let lines = fileLines.get(file)
  if (!lines) {
    const text = latin1(file.bytes)
    lines = []
    let start = 0
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      lines.push(text.slice(start, i + 1))
      start = i + 1
    }
    if (start < text.length) lines.push(text.slice(start))
    fileLines.set(file, lines)
  }
  return lines
}

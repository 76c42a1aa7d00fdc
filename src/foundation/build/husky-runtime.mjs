// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell text, whose ${…} the shell expands
// husky 9's runtime in `.husky/_` (its `h` and one stub per hook) starts four processes before a
// hook's own script runs: `dirname` in the stub, `basename` and two `dirname` in `h` (~8 ms per
// hook here, measured by `npm run bench -- hook`). These rewrites compute the same names with the
// shell's own parameter expansion. Anything that is not husky's text as expected is left alone.
// Plain JavaScript: npm's prepare script runs it before anything is built.
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** The stub husky writes for each hook. */
export const HUSKY_STUB = '#!/usr/bin/env sh\n. "$(dirname "$0")/h"'

/** The same stub without a process (git calls hooks by a path with a slash; `./h` otherwise). */
export const FAST_STUB = '#!/usr/bin/env sh\ncase $0 in */*) . "${0%/*}/h" ;; *) . ./h ;; esac\n'

const SLOW_NAMES = 'n=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n'
const FAST_NAMES = [
  '# basename and dirname of dirname, without processes (codex-gates, src/foundation/build/husky-runtime.mjs)',
  'n=${0##*/}',
  'case $0 in */*) d=${0%/*} ;; *) d=. ;; esac',
  'case $d in */*) s=${d%/*}/$n ;; *) s=./$n ;; esac',
].join('\n')

/** husky's `h` with its name lookups done by the shell; undefined when `h` is not the text expected. */
export function fastHuskyRunner(h) {
  return h.includes(SLOW_NAMES) ? h.replace(SLOW_NAMES, FAST_NAMES) : undefined
}

/**
 * Rewrites husky's runtime in `dir` (`.husky/_`): `h` and every stub still as husky wrote it.
 * Returns what changed. Each file is replaced by a rename (same mode), so a shell that is running
 * it at that moment (a hook calling this) reads the old text to its end.
 */
export function speedUpHusky(dir) {
  const changed = []
  const h = join(dir, 'h')
  if (!existsSync(h)) return changed
  const fast = fastHuskyRunner(readFileSync(h, 'utf8'))
  if (fast === undefined) return changed
  replace(h, fast)
  changed.push('h')
  for (const name of readdirSync(dir)) {
    const file = join(dir, name)
    if (name === 'h' || name.startsWith('.')) continue
    let text
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    if (text !== HUSKY_STUB) continue
    replace(file, FAST_STUB)
    changed.push(name)
  }
  return changed
}

function replace(file, text) {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`)
  try {
    const mode = statSync(file).mode & 0o777
    writeFileSync(temp, text, { mode })
    chmodSync(temp, mode) // not narrowed by the umask
    renameSync(temp, file)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

/**
 * `speedUpHusky` on the repository at `root` (`.husky/_`), never failing: a runtime that cannot
 * be read or written stays husky's. husky writes its runtime again on every `npm install` (the
 * "prepare" script), so what calls this (`codex-gates init`, the post-commit hook) puts the fast
 * one back after each: only the first commit after an install pays husky's processes.
 */
export function keepHuskyFast(root) {
  try {
    return speedUpHusky(join(root, '.husky', '_'))
  } catch {
    return []
  }
}

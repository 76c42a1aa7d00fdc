// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell text, whose ${…} the shell expands
// husky 9's runtime in `.husky/_` (its `h` and one stub per hook) starts four processes before a
// hook's own script runs: `dirname` in the stub, `basename` and two `dirname` in `h` (~8 ms per
// hook here, measured by `npm run bench -- hook`). These rewrites compute the same names with the
// shell's own parameter expansion. Anything that is not husky's text as expected is left alone.
// Plain JavaScript: npm's prepare script runs it before anything is built.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

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

/** Rewrites husky's runtime in `dir` (`.husky/_`): `h` and every stub still as husky wrote it. Returns what changed. */
export function speedUpHusky(dir) {
  const changed = []
  const h = join(dir, 'h')
  if (!existsSync(h)) return changed
  const fast = fastHuskyRunner(readFileSync(h, 'utf8'))
  if (fast === undefined) return changed
  writeFileSync(h, fast)
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
    writeFileSync(file, FAST_STUB)
    changed.push(name)
  }
  return changed
}

import { readFileSync } from 'node:fs'
import { UserError } from '../../foundation/errors/user-error.ts'

/**
 * Lines of a text file, one segment per line: split on LF, a trailing CR dropped, the empty
 * string after a final newline not counted (so `a\nb\n` has 2 lines, as `wc -l` and sacreBLEU see it).
 */
export function readLineFile(path: string, flag: string): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(
      'EVAL_FILE',
      `${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code})`,
      'check the path',
    )
  }
  if (text.length === 0) return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
}

import { parseHookArgs } from '../hook-args.ts'
import type { FileVerdict, HookFile } from '../hook-types.ts'
import { concatBytes, type NativeHook, runPerFile, splitlinesKeepends } from '../native-hook.ts'

export type LineEndingFix = 'auto' | 'crlf' | 'lf' | 'cr' | 'no'

const CR = new Uint8Array([0x0d])
const CRLF = new Uint8Array([0x0d, 0x0a])
const LF = new Uint8Array([0x0a])
const ENDINGS = { cr: CR, crlf: CRLF, lf: LF } as const
// Upstream's order: CR, CRLF, LF; `auto` picks the most common, ties going to the later (LF > CRLF > CR).
const ORDER = ['cr', 'crlf', 'lf'] as const

/** mixed-line-ending's `--fix=auto|crlf|lf|cr|no` (default auto). */
export function parseMixedLineEndingArgs(args: readonly string[]): LineEndingFix {
  const { values } = parseHookArgs('mixed-line-ending', args, [
    { dest: 'fix', names: ['-f', '--fix'], action: 'value', choices: ['auto', 'no', 'cr', 'crlf', 'lf'] },
  ])
  return ((values.fix as string | undefined) ?? 'auto') as LineEndingFix
}

/**
 * Finds mixed line endings: `auto` rewrites every line to the most common ending, `lf`/`crlf`/`cr`
 * rewrite any other ending to that one (also in files that are not mixed), `no` only reports.
 */
export function mixedLineEnding(file: HookFile, fix: LineEndingFix): FileVerdict {
  const lines = splitlinesKeepends(file.bytes)
  const counts = { cr: 0, crlf: 0, lf: 0 }
  for (const line of lines) {
    const last = line[line.length - 1]
    if (last === 0x0a) counts[line.length >= 2 && line[line.length - 2] === 0x0d ? 'crlf' : 'lf']++
    else if (last === 0x0d) counts.cr++
  }
  const mixed = ORDER.filter((e) => counts[e] > 0).length > 1
  const report = (message: string, fixed?: Uint8Array): FileVerdict => ({
    problems: [{ path: file.path, message: `${file.path}: ${message}` }],
    ...(fixed ? { fixed } : {}),
  })
  if (fix === 'no') return mixed ? report('mixed line endings') : { problems: [] }
  if (fix === 'auto') {
    if (!mixed) return { problems: [] }
    let best: keyof typeof ENDINGS = 'lf'
    let max = 0
    for (const e of ORDER) {
      if (counts[e] >= max) {
        best = e
        max = counts[e]
      }
    }
    return report('fixed mixed line endings', rewrite(lines, ENDINGS[best]))
  }
  const others = ORDER.filter((e) => e !== fix).reduce((n, e) => n + counts[e], 0)
  return others > 0 ? report('fixed mixed line endings', rewrite(lines, ENDINGS[fix])) : { problems: [] }
}

export const mixedLineEndingHook: NativeHook = {
  id: 'mixed-line-ending',
  manifest: { name: 'mixed line ending', entry: 'mixed-line-ending', language: 'python', types: ['text'] },
  run(files, args) {
    const fix = parseMixedLineEndingArgs(args)
    return runPerFile(files, (f) => mixedLineEnding(f, fix))
  },
}

// --- internal ---

/** Every line gets `ending`, the last one too even when it had none (as upstream's `_fix`). */
function rewrite(lines: readonly Uint8Array[], ending: Uint8Array): Uint8Array {
  return concatBytes(
    lines.flatMap((line) => {
      let end = line.length
      while (end > 0 && (line[end - 1] === 0x0a || line[end - 1] === 0x0d)) end--
      return [line.subarray(0, end), ending]
    }),
  )
}

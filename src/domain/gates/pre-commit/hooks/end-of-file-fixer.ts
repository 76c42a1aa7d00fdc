import type { FileVerdict, HookFile } from '../hook-types.ts'
import { concatBytes, type NativeHook, runPerFile } from '../native-hook.ts'

/**
 * A file must be empty or end with exactly one newline (`\n`, `\r\n` or `\r`, whichever it uses
 * first): a missing one is added as `\n`, extra ones are trimmed, a file of only newlines is emptied.
 */
export function endOfFileFixer(file: HookFile): FileVerdict {
  const b = file.bytes
  const fix = (fixed: Uint8Array): FileVerdict => ({
    problems: [{ path: file.path, message: `Fixing ${file.path}` }],
    fixed,
  })
  if (b.length === 0) return { problems: [] }
  const isNl = (x: number | undefined) => x === 0x0a || x === 0x0d
  if (!isNl(b[b.length - 1])) return fix(concatBytes([b, new Uint8Array([0x0a])]))
  // Walk back over the trailing run of newline bytes, as upstream's seek(-2, SEEK_CUR) loop does.
  let pos = b.length - 1
  while (pos >= 0 && isNl(b[pos])) {
    if (pos === 0) return fix(new Uint8Array())
    pos--
  }
  const position = pos + 1
  const remaining = b.subarray(position)
  for (const seq of [[0x0a], [0x0d, 0x0a], [0x0d]]) {
    if (remaining.length === seq.length && seq.every((x, i) => remaining[i] === x)) return { problems: [] }
    if (seq.every((x, i) => remaining[i] === x)) return fix(b.slice(0, position + seq.length))
  }
  return { problems: [] }
}

export const endOfFileFixerHook: NativeHook = {
  id: 'end-of-file-fixer',
  manifest: {
    name: 'fix end of files',
    entry: 'end-of-file-fixer',
    language: 'python',
    types: ['text'],
    stages: ['pre-commit', 'pre-push', 'manual'],
  },
  run(files) {
    return runPerFile(files, endOfFileFixer)
  },
}

import { parseHookArgs } from '../hook-args.ts'
import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, readlines, runPerFile } from '../native-hook.ts'

const PATTERNS = ['<<<<<<< ', '======= ', '=======\r\n', '=======\n', '>>>>>>> '].map((p) => Buffer.from(p, 'latin1'))

/** Every line that starts with a conflict marker: `{file}:{n}: Merge conflict string '<<<<<<<' found`. */
export function checkMergeConflict(file: HookFile): FileVerdict {
  const problems: FileVerdict['problems'] = []
  readlines(file.bytes).forEach((line, i) => {
    for (const pattern of PATTERNS) {
      if (line.length >= pattern.length && pattern.every((b, k) => line[k] === b)) {
        const marker = pattern.toString('latin1').trim()
        problems.push({
          path: file.path,
          line: i + 1,
          message: `${file.path}:${i + 1}: Merge conflict string '${marker}' found`,
        })
      }
    }
  })
  return { problems }
}

export const checkMergeConflictHook: NativeHook = {
  id: 'check-merge-conflict',
  manifest: { name: 'check for merge conflicts', entry: 'check-merge-conflict', language: 'python', types: ['text'] },
  /** Checks only during a merge or rebase (facts.inMerge), or always with `--assume-in-merge`. */
  run(files, args, facts) {
    const { values } = parseHookArgs('check-merge-conflict', args, [
      { dest: 'assume', names: ['--assume-in-merge'], action: 'flag' },
    ])
    if (facts.inMerge !== true && values.assume !== true) return { failed: false, problems: [], fixes: new Map() }
    return runPerFile(files, checkMergeConflict)
  },
}

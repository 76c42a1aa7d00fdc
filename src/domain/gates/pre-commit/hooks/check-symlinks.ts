import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'

/** A symlink whose target does not exist: `{file}: Broken symlink`. */
export function checkSymlinks(file: HookFile): FileVerdict {
  if (file.symlink && !file.symlink.targetExists) {
    return { problems: [{ path: file.path, message: `${file.path}: Broken symlink` }] }
  }
  return { problems: [] }
}

export const checkSymlinksHook: NativeHook = {
  id: 'check-symlinks',
  manifest: { name: 'check for broken symlinks', entry: 'check-symlinks', language: 'python', types: ['symlink'] },
  run(files) {
    return runPerFile(files, checkSymlinks)
  },
}

import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'
import { hasShebang, shlexQuote } from './check-executables-have-shebangs.ts'

/**
 * A file with a `#!` first line that git does not record as executable (upstream reads the index
 * mode with `git ls-files --stage`; `executable` must carry that mode), with upstream's advice.
 */
export function checkShebangScriptsAreExecutable(file: HookFile): FileVerdict {
  if (file.executable === true || !hasShebang(file.bytes)) return { problems: [] }
  const q = shlexQuote(file.path)
  return {
    problems: [
      {
        path: file.path,
        message:
          `${file.path}: has a shebang but is not marked executable!\n` +
          `  If it is supposed to be executable, try: \`chmod +x ${q}\`\n` +
          `  If on Windows, you may also need to: \`git add --chmod=+x ${q}\`\n` +
          '  If it is not supposed to be executable, double-check its shebang is wanted.\n',
      },
    ],
  }
}

export const checkShebangScriptsAreExecutableHook: NativeHook = {
  id: 'check-shebang-scripts-are-executable',
  manifest: {
    name: 'check that scripts with shebangs are executable',
    entry: 'check-shebang-scripts-are-executable',
    language: 'python',
    types: ['text'],
    stages: ['pre-commit', 'pre-push', 'manual'],
  },
  run(files) {
    return runPerFile(files, checkShebangScriptsAreExecutable)
  },
}

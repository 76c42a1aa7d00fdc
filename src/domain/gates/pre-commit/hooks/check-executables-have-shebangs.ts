import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'

/** True when the file starts with `#!`. */
export function hasShebang(bytes: Uint8Array): boolean {
  return bytes[0] === 0x23 && bytes[1] === 0x21
}

/** `shlex.quote`: bare when only safe characters, else single-quoted. */
export function shlexQuote(s: string): string {
  if (s === '') return "''"
  if (/^[\w@%+=:,./-]+$/.test(s)) return s
  return `'${s.replace(/'/g, `'"'"'`)}'`
}

/** An executable file without a `#!` first line, with upstream's three-line advice. */
export function checkExecutablesHaveShebangs(file: HookFile): FileVerdict {
  if (file.executable !== true || hasShebang(file.bytes)) return { problems: [] }
  const q = shlexQuote(file.path)
  return {
    problems: [
      {
        path: file.path,
        message:
          `${file.path}: marked executable but has no (or invalid) shebang!\n` +
          `  If it isn't supposed to be executable, try: \`chmod -x ${q}\`\n` +
          `  If on Windows, you may also need to: \`git add --chmod=-x ${q}\`\n` +
          '  If it is supposed to be executable, double-check its shebang.',
      },
    ],
  }
}

export const checkExecutablesHaveShebangsHook: NativeHook = {
  id: 'check-executables-have-shebangs',
  manifest: {
    name: 'check that executables have shebangs',
    entry: 'check-executables-have-shebangs',
    language: 'python',
    types: ['text', 'executable'],
    stages: ['pre-commit', 'pre-push', 'manual'],
  },
  run(files) {
    return runPerFile(files, checkExecutablesHaveShebangs)
  },
}

import type { FileVerdict, HookFile } from '../hook-types.ts'
import { decodeUtf8, type NativeHook, runPerFile } from '../native-hook.ts'
import { tomlLib } from '../parser-libs.ts'
import { utf8DecodeMessage } from '../python-json.ts'

/**
 * Parses the file as TOML 1.0 (upstream: Python's tomllib, TOML 1.0 up to Python 3.14; smol-toml is pinned to 1.5.2, its last TOML 1.0 release): `{file}: {message}`. smol-toml's
 * wording differs from tomllib's; the verdict and the line agree. A BOM fails as tomllib's
 * `Invalid statement`, invalid UTF-8 with Python's codec message (upstream crashes on it).
 */
export function checkToml(file: HookFile): FileVerdict {
  const text = decodeUtf8(file.bytes)
  if (text === undefined)
    return { problems: [{ path: file.path, message: `${file.path}: ${utf8DecodeMessage(file.bytes)}` }] }
  if (text.startsWith('\ufeff')) {
    return { problems: [{ path: file.path, message: `${file.path}: Invalid statement (at line 1, column 1)` }] }
  }
  try {
    tomlLib().parse(text)
    return { problems: [] }
  } catch (e) {
    if (!(e instanceof tomlLib().TomlError)) throw e
    const first = e.message.split('\n')[0] ?? e.message
    return {
      problems: [
        {
          path: file.path,
          line: e.line,
          message: `${file.path}: ${first.replace(/^Invalid TOML document: /, '')} (at line ${e.line}, column ${e.column})`,
        },
      ],
    }
  }
}

export const checkTomlHook: NativeHook = {
  id: 'check-toml',
  manifest: { name: 'check toml', entry: 'check-toml', language: 'python', types: ['toml'] },
  run(files) {
    return runPerFile(files, checkToml)
  },
}

import type { FileVerdict, HookFile } from '../hook-types.ts'
import type { NativeHook } from '../native-hook.ts'
import { runPerFile } from '../native-hook.ts'
import { PythonJsonError, pythonJsonLoadBytes } from '../python-json.ts'

/**
 * Loads the file with Python's json rules (a UTF-8 BOM is fine, NaN/Infinity too, duplicate keys
 * are not): `{file}: Failed to json decode ({Python's message})`.
 */
export function checkJson(file: HookFile): FileVerdict {
  try {
    pythonJsonLoadBytes(file.bytes, (pairs) => {
      const seen = new Set<string>()
      for (const [key] of pairs) {
        if (seen.has(key)) throw new PythonJsonError(`Duplicate key: ${key}`)
        seen.add(key)
      }
      return pairs
    })
    return { problems: [] }
  } catch (e) {
    if (!(e instanceof PythonJsonError)) throw e
    const line = /: line (\d+) column/.exec(e.message)?.[1]
    return {
      problems: [
        {
          path: file.path,
          ...(line ? { line: Number(line) } : {}),
          message: `${file.path}: Failed to json decode (${e.message})`,
        },
      ],
    }
  }
}

export const checkJsonHook: NativeHook = {
  id: 'check-json',
  manifest: { name: 'check json', entry: 'check-json', language: 'python', types: ['json'] },
  run(files) {
    return runPerFile(files, checkJson)
  },
}

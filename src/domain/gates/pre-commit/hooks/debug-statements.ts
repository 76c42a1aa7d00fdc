import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'
import { findDebugStatements, type PythonTarget, pythonSyntaxErrors } from '../python-ast-check.ts'
import { decodePythonSource } from './python-source.ts'

/**
 * Debugger imports and `breakpoint()` calls: `{file}:{line}:{col}: {name} imported|called` each (col
 * 0-based, as upstream). A file that does not parse: `{file} - Could not parse ast` and the error.
 */
export function debugStatements(file: HookFile, target: PythonTarget = 'py314'): FileVerdict {
  const decoded = decodePythonSource(file.bytes)
  const error = 'error' in decoded ? { line: 1, message: decoded.error } : pythonSyntaxErrors(decoded.text, target)[0]
  if (error || 'error' in decoded) {
    const e = error as { line: number; message: string }
    return {
      problems: [
        {
          path: file.path,
          line: e.line,
          message: `${file.path} - Could not parse ast\n\n\tSyntaxError: ${e.message} (line ${e.line})`,
        },
      ],
    }
  }
  return {
    problems: findDebugStatements(decoded.text, target).map((d) => ({
      path: file.path,
      line: d.line,
      message: `${file.path}:${d.line}:${d.col}: ${d.name} ${d.reason}`,
    })),
  }
}

export const debugStatementsHook: NativeHook = {
  id: 'debug-statements',
  manifest: { name: 'debug statements (python)', entry: 'debug-statement-hook', language: 'python', types: ['python'] },
  run(files) {
    return runPerFile(files, (f) => debugStatements(f))
  },
}

import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'
import { type PythonTarget, pythonSyntaxErrors } from '../python-ast-check.ts'
import { decodePythonSource } from './python-source.ts'

/**
 * The file must parse as Python (`ast.parse`): otherwise upstream's
 * `{file}: failed parsing with {impl} {version}:` and the SyntaxError. The grammar is ruff's for
 * `target` (default Python 3.14), named "ruff (Python 3.14 grammar)" where upstream names its
 * interpreter.
 */
export function checkAst(file: HookFile, target: PythonTarget = 'py314'): FileVerdict {
  const decoded = decodePythonSource(file.bytes)
  const error = 'error' in decoded ? { line: 1, message: decoded.error } : pythonSyntaxErrors(decoded.text, target)[0]
  if (!error) return { problems: [] }
  const version = `3.${target.slice(3)}`
  return {
    problems: [
      {
        path: file.path,
        line: error.line,
        message: `${file.path}: failed parsing with ruff (Python ${version} grammar):\n    SyntaxError: ${error.message} (${file.path}, line ${error.line})`,
      },
    ],
  }
}

export const checkAstHook: NativeHook = {
  id: 'check-ast',
  manifest: { name: 'check python ast', entry: 'check-ast', language: 'python', types: ['python'] },
  run(files) {
    return runPerFile(files, (f) => checkAst(f))
  },
}

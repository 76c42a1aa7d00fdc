import { extname } from 'node:path'

export const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']
export const PY_EXTENSIONS = ['.py', '.pyi']

/** 'js', 'py', or undefined for a file the gate does not read. */
export function sourceLanguage(path: string): 'js' | 'py' | undefined {
  const ext = extname(path).toLowerCase()
  if (JS_EXTENSIONS.includes(ext)) return 'js'
  if (PY_EXTENSIONS.includes(ext)) return 'py'
  return undefined
}

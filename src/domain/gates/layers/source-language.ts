export const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']
export const PY_EXTENSIONS = ['.py', '.pyi']

/**
 * 'js', 'py', or undefined for a file the gate does not read. The extension as path.extname finds
 * it in a '/'-separated path (the part after the last dot of the last segment, trailing slashes
 * aside; none for a dotfile), by one regular expression: extname costs ~1.5 µs a path before the
 * JIT warms up, and a warm run asks this of every listed file.
 */
export function sourceLanguage(path: string): 'js' | 'py' | undefined {
  const found = EXTENSION.exec(path)
  if (!found) return undefined
  const ext = `.${(found[1] as string).toLowerCase()}`
  if (JS_EXTENSIONS.includes(ext)) return 'js'
  if (PY_EXTENSIONS.includes(ext)) return 'py'
  return undefined
}

/** A last segment with something before its last dot, and at least one character after it. */
const EXTENSION = /[^/]\.([^./]+)\/*$/

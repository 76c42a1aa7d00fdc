/** What to do with an existing Vitest config: nothing, this edited text, or lines for the user to add. */
export type VitestConfigEdit =
  | { kind: 'done' }
  | { kind: 'edit'; text: string }
  | { kind: 'manual'; why: string; lines: string[] }

/** The lines a user adds by hand where the config is too unusual to edit safely. */
export const MANUAL_LINES = [
  "import { withCodexGates } from 'codex-gates/vitest'",
  'export default defineConfig(withCodexGates({ /* your config */ }))',
]

/**
 * Wraps the default export of a Vitest config in `withCodexGates(…)` and adds its import. Only
 * the two common shapes are edited — `export default defineConfig({ … })` and
 * `export default { … }` — anything else (a function config, CommonJS, a config built in
 * variables) is left alone and the lines to add are returned instead.
 */
export function wrapVitestConfig(text: string): VitestConfigEdit {
  const code = maskCode(text)
  if (/\bwithCodexGates\b/.test(code)) return { kind: 'done' }
  const manual = (why: string): VitestConfigEdit => ({ kind: 'manual', why, lines: MANUAL_LINES })
  const exports = [...code.matchAll(/\bexport\s+default\b/g)]
  if (exports.length !== 1) {
    return manual(
      /\bmodule\.exports\b/.test(code) ? 'it is CommonJS (module.exports)' : 'it has no single `export default`',
    )
  }
  const after = (exports[0]?.index ?? 0) + (exports[0]?.[0].length ?? 0)
  const rest = code.slice(after)
  const call = /^\s*defineConfig\s*\(\s*/.exec(rest)
  let edited: string
  if (call) {
    const open = after + rest.indexOf('(')
    const argStart = after + call[0].length
    if (code[argStart] !== '{') return manual('its defineConfig(…) takes a function or a variable, not an object')
    const objectEnd = matching(code, argStart)
    const close = matching(code, open)
    if (objectEnd === undefined || close === undefined) return manual('its brackets do not balance')
    if (code.slice(objectEnd + 1, close).trim() !== '') return manual('defineConfig(…) takes more than one argument')
    edited = `${text.slice(0, argStart)}withCodexGates(${text.slice(argStart, objectEnd + 1)})${text.slice(objectEnd + 1)}`
  } else if (/^\s*\{/.test(rest)) {
    const start = after + rest.indexOf('{')
    const end = matching(code, start)
    if (end === undefined) return manual('its brackets do not balance')
    edited = `${text.slice(0, start)}withCodexGates(${text.slice(start, end + 1)})${text.slice(end + 1)}`
  } else {
    return manual('its default export is neither defineConfig({ … }) nor an object literal')
  }
  return { kind: 'edit', text: addImport(edited, code) }
}

// --- internal ---

/** Adds the import after the last top-level import, in the file's quote and semicolon style. */
function addImport(text: string, code: string): string {
  const lines = text.split('\n')
  const codeLines = code.split('\n')
  let last = -1
  for (let i = 0; i < codeLines.length; i++) {
    const line = codeLines[i] as string
    if (/^import\s/.test(line) || /^\}\s*from\s/.test(line)) {
      let j = i
      while (j < codeLines.length && !/from\s*['"]|^import\s*['"]/.test(lines[j] as string)) j++
      last = Math.min(j, codeLines.length - 1)
      i = last
    }
  }
  const sample = last >= 0 ? (lines[last] as string) : ''
  const quote = sample.includes('"') && !sample.includes("'") ? '"' : "'"
  const semi = /;\s*$/.test(sample) ? ';' : ''
  const line = `import { withCodexGates } from ${quote}codex-gates/vitest${quote}${semi}`
  lines.splice(last + 1, 0, line)
  return lines.join('\n')
}

/**
 * The text with comments and string contents blanked to spaces (same length, same offsets), so
 * brackets and keywords are only found in code.
 */
function maskCode(text: string): string {
  const out = text.split('')
  let i = 0
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' '
  }
  while (i < text.length) {
    const c = text[i]
    const next = text[i + 1]
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i)
      const stop = end === -1 ? text.length : end
      blank(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2)
      const stop = end === -1 ? text.length : end + 2
      blank(i, stop)
      i = stop
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1
      blank(i + 1, Math.min(j, text.length))
      i = j + 1
    } else {
      i++
    }
  }
  return out.join('')
}

/** Index of the bracket closing the one at `open` in masked code, or undefined. */
function matching(code: string, open: number): number | undefined {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' }
  const stack: string[] = []
  for (let i = open; i < code.length; i++) {
    const c = code[i] as string
    if (pairs[c]) stack.push(pairs[c] as string)
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return undefined
      if (stack.length === 0) return i
    }
  }
  return undefined
}

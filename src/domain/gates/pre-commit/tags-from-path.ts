import { shlexSplit } from '../../../foundation/process/shlex-split.ts'
import { EXTENSIONS, EXTENSIONS_NEED_BINARY_CHECK, INTERPRETERS, NAMES } from './identify-tables.ts'

/** What `identify.tags_from_path` looks at, gathered by the caller (lstat, X_OK, first bytes). */
export interface PathFacts {
  /** Repo-relative POSIX path. */
  path: string
  /** From lstat: a symlink is never followed. */
  kind: 'file' | 'directory' | 'symlink' | 'socket'
  /** `os.access(path, X_OK)`: any execute bit for root, the owner's for its owner. */
  executable: boolean
  /** The file's first bytes: at least 1 KiB (the text check) and the shebang lines when executable. */
  head: Uint8Array
}

/**
 * The type tags pre-commit's `types`/`types_or`/`exclude_types` match against, computed exactly as
 * `identify.tags_from_path` does: directory/symlink/socket alone; else `file`, `executable` or
 * `non-executable`, tags from the file name (extension or known name), else from the shebang of
 * an executable, and `text`/`binary` from the first KiB when the name did not settle it.
 */
export function tagsFromPath(facts: PathFacts): Set<string> {
  if (facts.kind !== 'file') return new Set([facts.kind])
  const tags = new Set<string>(['file', facts.executable ? 'executable' : 'non-executable'])
  const fromName = tagsFromFilename(facts.path)
  if (fromName.size > 0) {
    for (const t of fromName) tags.add(t)
  } else if (facts.executable) {
    const shebang = parseShebang(facts.head)
    if (shebang.length > 0) for (const t of tagsFromInterpreter(shebang[0] as string)) tags.add(t)
  }
  if (!tags.has('text') && !tags.has('binary')) tags.add(isText(facts.head) ? 'text' : 'binary')
  return tags
}

/** Tags from the base name: a known name (or a dot-part of one, `Dockerfile.dev`), then the extension. */
export function tagsFromFilename(path: string): Set<string> {
  const filename = path.slice(path.lastIndexOf('/') + 1)
  const ret = new Set<string>()
  for (const part of [filename, ...filename.split('.')]) {
    const named = NAMES[part]
    if (named && Object.hasOwn(NAMES, part)) {
      for (const t of named) ret.add(t)
      break
    }
  }
  const ext = splitext(filename)
  if (ext.length > 0) {
    const key = ext.slice(1).toLowerCase()
    const tags = Object.hasOwn(EXTENSIONS, key)
      ? EXTENSIONS[key]
      : Object.hasOwn(EXTENSIONS_NEED_BINARY_CHECK, key)
        ? EXTENSIONS_NEED_BINARY_CHECK[key]
        : undefined
    for (const t of tags ?? []) ret.add(t)
  }
  return ret
}

/** Tags for an interpreter path: `python3.12.1` → `python3.12` → `python3` until one is known. */
export function tagsFromInterpreter(interpreter: string): Set<string> {
  let name = interpreter.slice(interpreter.lastIndexOf('/') + 1)
  while (name) {
    if (Object.hasOwn(INTERPRETERS, name)) return new Set(INTERPRETERS[name])
    const dot = name.lastIndexOf('.')
    name = dot < 0 ? '' : name.slice(0, dot)
  }
  return new Set()
}

/** libmagic's rule as identify has it: text unless the first KiB holds a byte outside the text set. */
export function isText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 1024)
  for (let i = 0; i < n; i++) if (!TEXT_BYTES[head[i] as number]) return false
  return true
}

/**
 * The command of a `#!` line, as identify parses it: printable ASCII only, shlex-split (falling
 * back to whitespace), `/usr/bin/env [-S]` dropped, and `nix-shell` resolved through its
 * `#! nix-shell -i interpreter` lines.
 */
export function parseShebang(head: Uint8Array): string[] {
  const lines = shebangLines(head)
  const first = lines[0]
  if (first === undefined) return []
  let cmd = shebangSplit(first.trim())
  if (cmd[0] === '/usr/bin/env' && cmd[1] === '-S') cmd = cmd.slice(2)
  else if (cmd[0] === '/usr/bin/env') cmd = cmd.slice(1)
  if (cmd.length === 1 && cmd[0] === 'nix-shell') {
    for (const line of lines.slice(1)) {
      const tokens = shebangSplit(line.trim())
      for (let i = 0; i < tokens.length - 1; i++) if (tokens[i] === '-i') cmd = [tokens[i + 1] as string]
    }
  }
  return cmd
}

// --- internal ---

const TEXT_BYTES: boolean[] = Array.from(
  { length: 256 },
  (_, b) => [7, 8, 9, 10, 11, 12, 13, 27].includes(b) || (b >= 0x20 && b < 0x7f) || b >= 0x80,
)

/** Python's `string.printable`. */
const PRINTABLE = /^[0-9A-Za-z!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~ \t\n\r\x0b\x0c]*$/

/** The first `#!` line and, for nix-shell, the directly following `#!` lines (valid ones only). */
function shebangLines(head: Uint8Array): string[] {
  const lines: string[] = []
  let pos = 0
  while (pos + 1 < head.length && head[pos] === 0x23 && head[pos + 1] === 0x21) {
    const nl = head.indexOf(0x0a, pos + 2)
    const end = nl < 0 ? head.length : nl + 1
    let line: string
    try {
      line = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(pos + 2, end))
    } catch {
      return lines
    }
    if (!PRINTABLE.test(line)) return lines
    lines.push(line)
    pos = end
  }
  return lines
}

/** `shlex.split` (POSIX mode, no comments); whitespace split when it fails (quoting left open), as identify does. */
function shebangSplit(line: string): string[] {
  try {
    return shlexSplit(line)
  } catch {
    return line.split(/\s+/).filter(Boolean)
  }
}

/** `os.path.splitext` of a base name: leading dots do not start an extension. */
function splitext(filename: string): string {
  const dot = filename.lastIndexOf('.')
  if (dot <= 0) return ''
  if (/^\.+$/.test(filename.slice(0, dot))) return ''
  return filename.slice(dot)
}

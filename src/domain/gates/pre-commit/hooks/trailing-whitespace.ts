import { UserError } from '../../../../foundation/errors/user-error.ts'
import { parseHookArgs } from '../hook-args.ts'
import type { FileVerdict, HookFile } from '../hook-types.ts'
import { bytesEqual, concatBytes, type NativeHook, readlines, runPerFile } from '../native-hook.ts'

export interface TrailingWhitespaceOptions {
  /** Every file is Markdown (`--markdown-linebreak-ext=*`). */
  allMarkdown: boolean
  /** Lower-cased extensions with one leading dot whose two-space line breaks are kept. */
  markdownExts: string[]
  /** Bytes to strip (`--chars`, UTF-8); undefined strips ASCII whitespace as `bytes.rstrip()`. */
  chars: Uint8Array | undefined
}

/** trailing-whitespace-fixer's args: `--markdown-linebreak-ext=EXT[,EXT]|*` (repeatable), `--chars`. */
export function parseTrailingWhitespaceArgs(args: readonly string[]): TrailingWhitespaceOptions {
  const { values } = parseHookArgs('trailing-whitespace', args, [
    { dest: 'no_md', names: ['--no-markdown-linebreak-ext'], action: 'flag' },
    { dest: 'md', names: ['--markdown-linebreak-ext'], action: 'append' },
    { dest: 'chars', names: ['--chars'], action: 'value' },
  ])
  const md = (values.md as string[] | undefined) ?? []
  const bad = (message: string): never => {
    throw new UserError(
      'PRE_COMMIT_HOOK_ARGS',
      `hook trailing-whitespace: ${message}`,
      'fix its `args` in .pre-commit-config.yaml',
    )
  }
  if (md.includes('')) bad('--markdown-linebreak-ext requires a non-empty argument')
  const exts = md
    .join(',')
    .split(',')
    .map((x) => `.${x.toLowerCase().replace(/^\.+/, '')}`)
  for (const ext of exts) {
    if (/[./\\:]/.test(ext.slice(1))) {
      bad(
        `bad --markdown-linebreak-ext extension '${ext}' (has . / \\ :) (probably filename; use '--markdown-linebreak-ext=EXT')`,
      )
    }
  }
  const chars = values.chars as string | undefined
  return {
    allMarkdown: md.includes('*'),
    markdownExts: md.length > 0 ? exts : [],
    chars: chars === undefined ? undefined : new TextEncoder().encode(chars),
  }
}

/** Strips trailing whitespace from every line, keeping each line's `\n` / `\r\n` and Markdown's two-space breaks. */
export function trailingWhitespace(file: HookFile, options: TrailingWhitespaceOptions): FileVerdict {
  const base = file.path.slice(file.path.lastIndexOf('/') + 1).toLowerCase()
  const dot = base.lastIndexOf('.')
  const ext = dot > 0 && !/^\.+$/.test(base.slice(0, dot)) ? base.slice(dot) : ''
  const markdown = options.allMarkdown || (ext !== '' && options.markdownExts.includes(ext))
  const lines = readlines(file.bytes)
  const fixedLines = lines.map((line) => processLine(line, markdown, options.chars))
  if (fixedLines.every((l, i) => bytesEqual(l, lines[i] as Uint8Array))) return { problems: [] }
  return { problems: [{ path: file.path, message: `Fixing ${file.path}` }], fixed: concatBytes(fixedLines) }
}

export const trailingWhitespaceHook: NativeHook = {
  id: 'trailing-whitespace',
  manifest: {
    name: 'trim trailing whitespace',
    entry: 'trailing-whitespace-fixer',
    language: 'python',
    types: ['text'],
    stages: ['pre-commit', 'pre-push', 'manual'],
  },
  run(files, args) {
    const options = parseTrailingWhitespaceArgs(args)
    return runPerFile(files, (f) => trailingWhitespace(f, options))
  },
}

// --- internal ---

const ASCII_SPACE = new Uint8Array([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c])

function rstrip(line: Uint8Array, chars: Uint8Array): Uint8Array {
  let end = line.length
  while (end > 0 && chars.includes(line[end - 1] as number)) end--
  return line.subarray(0, end)
}

function processLine(line: Uint8Array, markdown: boolean, chars: Uint8Array | undefined): Uint8Array {
  let eolLen = 0
  if (line.length >= 2 && line[line.length - 2] === 0x0d && line[line.length - 1] === 0x0a) eolLen = 2
  else if (line[line.length - 1] === 0x0a) eolLen = 1
  const eol = line.subarray(line.length - eolLen)
  const body = line.subarray(0, line.length - eolLen)
  const strip = chars ?? ASCII_SPACE
  const isSpace = body.length > 0 && body.every((b) => ASCII_SPACE.includes(b))
  if (markdown && !isSpace && body.length >= 2 && body[body.length - 1] === 0x20 && body[body.length - 2] === 0x20) {
    return concatBytes([rstrip(body.subarray(0, body.length - 2), strip), new Uint8Array([0x20, 0x20]), eol])
  }
  return concatBytes([rstrip(body, strip), eol])
}

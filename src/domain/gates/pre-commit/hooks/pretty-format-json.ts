import { UserError } from '../../../../foundation/errors/user-error.ts'
import { parseHookArgs } from '../hook-args.ts'
import type { FileVerdict, HookFile } from '../hook-types.ts'
import { decodeUtf8, type NativeHook, runPerFile } from '../native-hook.ts'
import {
  comparePyStr,
  type PyJson,
  PythonJsonError,
  pythonJsonDumps,
  pythonJsonLoads,
  utf8DecodeMessage,
} from '../python-json.ts'

export interface PrettyJsonOptions {
  autofix: boolean
  indent: number | string // default 2
  ensureAscii: boolean // default true; --no-ensure-ascii
  sortKeys: boolean // default true; --no-sort-keys
  topKeys: string[] // --top-keys a,b: first, in this order
}

/** pretty-format-json's args; `--indent` is a number of spaces or the indent string itself. */
export function parsePrettyJsonArgs(args: readonly string[]): PrettyJsonOptions {
  const { values } = parseHookArgs('pretty-format-json', args, [
    { dest: 'autofix', names: ['--autofix'], action: 'flag' },
    { dest: 'indent', names: ['--indent'], action: 'value' },
    { dest: 'no_ensure_ascii', names: ['--no-ensure-ascii'], action: 'flag' },
    { dest: 'no_sort_keys', names: ['--no-sort-keys'], action: 'flag' },
    { dest: 'top_keys', names: ['--top-keys'], action: 'value' },
  ])
  const rawIndent = (values.indent as string | undefined) ?? '2'
  // Python's int(): surrounding whitespace, a sign and digit underscores are fine.
  const indent = /^\s*[-+]?\d+(_\d+)*\s*$/.test(rawIndent)
    ? Number.parseInt(rawIndent.replace(/_/g, ''), 10)
    : rawIndent
  const topKeys = values.top_keys as string | undefined
  return {
    autofix: values.autofix === true,
    indent,
    ensureAscii: values.no_ensure_ascii !== true,
    sortKeys: values.no_sort_keys !== true,
    topKeys: topKeys === undefined ? [] : topKeys.split(','),
  }
}

/** The pretty form upstream compares against: top keys first, the rest sorted (unless not), a final newline. */
export function prettyFormatJsonText(contents: string, options: PrettyJsonOptions): string {
  const value = pythonJsonLoads(contents, (pairs) => {
    const before = pairs
      .filter(([k]) => options.topKeys.includes(k))
      .sort((a, b) => options.topKeys.indexOf(a[0]) - options.topKeys.indexOf(b[0]))
    const after = pairs.filter(([k]) => !options.topKeys.includes(k))
    if (options.sortKeys) after.sort((a, b) => comparePyStr(a[0], b[0]) || compareValues(a[1], b[1]))
    return [...before, ...after]
  })
  return `${pythonJsonDumps(value, { indent: options.indent, ensureAscii: options.ensureAscii })}\n`
}

/**
 * Fails when the file differs from its pretty form; with `autofix` the pretty form is the fix
 * (`Fixing file {file}`), without it the problem names the first differing line (upstream prints a
 * unified diff). Invalid JSON: `Input File {file} is not a valid JSON, consider using check-json`.
 */
export function prettyFormatJson(file: HookFile, options: PrettyJsonOptions): FileVerdict {
  const contents = decodeUtf8(file.bytes)
  if (contents === undefined) {
    return { problems: [{ path: file.path, message: `${file.path}: ${utf8DecodeMessage(file.bytes)}` }] }
  }
  let pretty: string
  try {
    pretty = prettyFormatJsonText(contents, options)
  } catch (e) {
    if (!(e instanceof PythonJsonError)) throw e
    return {
      problems: [
        { path: file.path, message: `Input File ${file.path} is not a valid JSON, consider using check-json` },
      ],
    }
  }
  if (pretty === contents) return { problems: [] }
  if (options.autofix) {
    return {
      problems: [{ path: file.path, message: `Fixing file ${file.path}` }],
      fixed: new TextEncoder().encode(pretty),
    }
  }
  const a = contents.split('\n')
  const b = pretty.split('\n')
  let line = 0
  while (line < a.length && a[line] === b[line]) line++
  return {
    problems: [
      {
        path: file.path,
        line: line + 1,
        message: `${file.path}: not pretty-formatted JSON from line ${line + 1} (expected ${JSON.stringify(b[line] ?? '')}); run pretty-format-json with --autofix`,
      },
    ],
  }
}

export const prettyFormatJsonHook: NativeHook = {
  id: 'pretty-format-json',
  manifest: { name: 'pretty format json', entry: 'pretty-format-json', language: 'python', types: ['json'] },
  run(files, args) {
    const options = parsePrettyJsonArgs(args)
    if (typeof options.indent === 'number' && !Number.isSafeInteger(options.indent)) {
      throw new UserError(
        'PRE_COMMIT_HOOK_ARGS',
        'hook pretty-format-json: --indent is out of range',
        'use e.g. --indent=2',
      )
    }
    return runPerFile(files, (f) => prettyFormatJson(f, options))
  },
}

// --- internal ---

/** Python's tuple sort falls back to the values for equal keys: numbers and strings compare. */
function compareValues(a: PyJson, b: PyJson): number {
  const num = (v: PyJson) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? 'int' in v
        ? Number(v.int)
        : 'float' in v
          ? v.float
          : undefined
      : undefined
  const x = num(a)
  const y = num(b)
  if (x !== undefined && y !== undefined) return x - y
  if (typeof a === 'string' && typeof b === 'string') return comparePyStr(a, b)
  return 0
}

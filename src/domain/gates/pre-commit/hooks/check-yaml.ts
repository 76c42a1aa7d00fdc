import { parseHookArgs } from '../hook-args.ts'
import type { FileVerdict, HookFile } from '../hook-types.ts'
import { decodeUtf8, type NativeHook, runPerFile } from '../native-hook.ts'
import { yamlLib } from '../parser-libs.ts'
import { utf8DecodeMessage } from '../python-json.ts'

export interface CheckYamlOptions {
  /** `-m` / `--multi` / `--allow-multiple-documents`. */
  multi: boolean
  /** `--unsafe`: syntax only (custom tags, duplicate keys allowed); implies multi. */
  unsafe: boolean
}

/** check-yaml's flags. */
export function parseCheckYamlArgs(args: readonly string[]): CheckYamlOptions {
  const { values } = parseHookArgs('check-yaml', args, [
    { dest: 'multi', names: ['-m', '--multi', '--allow-multiple-documents'], action: 'flag' },
    { dest: 'unsafe', names: ['--unsafe'], action: 'flag' },
  ])
  return { multi: values.multi === true, unsafe: values.unsafe === true }
}

/**
 * Loads the file as YAML 1.2 as upstream's ruamel.yaml safe loader does: syntax errors,
 * duplicate keys, unknown tags and undefined aliases fail; so does a second document unless
 * multi. Upstream's message is ruamel's; here the yaml library's wording with ruamel's
 * `in "file", line L, column C` location.
 */
export function checkYaml(file: HookFile, options: CheckYamlOptions): FileVerdict {
  const text = decodeUtf8(file.bytes)
  const fail = (message: string, line?: number): FileVerdict => ({
    problems: [{ path: file.path, ...(line ? { line } : {}), message }],
  })
  if (text === undefined) return fail(utf8DecodeMessage(file.bytes))
  const at = (line: number, col: number) => `  in "${file.path}", line ${line}, column ${col}`
  const lineCounter = new (yamlLib().LineCounter)()
  const docs = yamlLib().parseAllDocuments(text, { uniqueKeys: !options.unsafe, lineCounter, prettyErrors: false })
  const list = Array.isArray(docs) ? docs : [docs]
  for (const doc of list) {
    const [error] = doc.errors
    if (error) {
      const pos = lineCounter.linePos(error.pos[0])
      return fail(`${error.message}\n${at(pos.line, pos.col)}`, pos.line)
    }
    if (options.unsafe) continue
    const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED')
    if (tag) {
      const pos = lineCounter.linePos(tag.pos[0])
      const name = /Unresolved tag: (\S+)/.exec(tag.message)?.[1] ?? '?'
      return fail(`could not determine a constructor for the tag '${name}'\n${at(pos.line, pos.col)}`, pos.line)
    }
    try {
      doc.toJS({ maxAliasCount: -1 })
    } catch (e) {
      const start = doc.range[0]
      const pos = lineCounter.linePos(start)
      return fail(`${(e as Error).message}\n${at(pos.line, pos.col)}`, pos.line)
    }
  }
  const second = list[1]
  if (!options.multi && !options.unsafe && second) {
    const pos = lineCounter.linePos(second.range[0])
    return fail(
      `expected a single document in the stream\n${at(1, 1)}\nbut found another document\n${at(pos.line, pos.col)}`,
      pos.line,
    )
  }
  return { problems: [] }
}

export const checkYamlHook: NativeHook = {
  id: 'check-yaml',
  manifest: { name: 'check yaml', entry: 'check-yaml', language: 'python', types: ['yaml'] },
  run(files, args) {
    const options = parseCheckYamlArgs(args)
    return runPerFile(files, (f) => checkYaml(f, options))
  },
}

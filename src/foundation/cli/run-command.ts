import { EXIT, UserError } from '../errors/user-error.ts'
import type { AnyCommand, CommandContext, CommandLoader, OptionDef, OptionDefs } from './define-command.ts'
import type { Io } from './io.ts'
import { nearest } from './nearest.ts'
import { renderHelp } from './render-help.ts'

/**
 * Parses `argv` against `command` and runs it, or the subcommand its first word names. A command
 * with both subcommands and `run` runs itself when the first word is a flag or there is none
 * (`train --config x.json` beside `train sweep …`); a first word that names no subcommand is
 * still an unknown command, with the nearest one. `--help`
 * (or `-h`) anywhere prints the help of the command it follows and exits 0. Usage mistakes throw
 * a UserError (exit 2) naming the flag or verb, the nearest valid one and the `--help` to read.
 */
export async function runCommand(
  command: AnyCommand,
  argv: readonly string[],
  io: Io,
  path = command.name,
): Promise<number> {
  const subcommands = command.subcommands
  if (subcommands) {
    const first = argv[0]
    if (first !== undefined && !first.startsWith('-')) {
      const sub = subcommands[first]
      if (!sub) {
        const close = nearest(first, Object.keys(subcommands))
        throw new UserError(
          'BAD_USAGE',
          `${path}: unknown command "${first}"`,
          `${close ? `did you mean \`${path} ${close}\`? ` : ''}see \`${path} --help\``,
        )
      }
      const def = typeof sub === 'function' ? await (sub as CommandLoader)() : sub
      return runCommand(def, argv.slice(1), io, `${path} ${first}`)
    }
    if (!command.run) {
      const asked = argv.includes('--help') || argv.includes('-h')
      if (!asked && argv.length > 0)
        parseOptions(command, argv, path) // names the unknown flag
      ;(asked ? io.stdout : io.stderr)(renderHelp(command, path))
      return asked ? EXIT.ok : EXIT.usage
    }
  }
  if (command.passthrough && command.run) {
    return command.run({ options: {}, positionals: [...argv], argv, io, path } as CommandContext<OptionDefs>)
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(renderHelp(command, path))
    return EXIT.ok
  }
  const { options, positionals } = parseOptions(command, argv, path)
  checkPositionals(command, positionals, path)
  if (!command.run) throw new Error(`BUG: command ${path} has neither run nor subcommands`)
  // parseOptions checked every value against its declaration: this is the type it declares.
  const context = { options, positionals, argv, io, path } as CommandContext<OptionDefs>
  return command.run(context)
}

/** Option values and positionals of `argv`, typed and checked against the declaration. */
export function parseOptions(
  command: AnyCommand,
  argv: readonly string[],
  path: string = command.name,
): { options: Record<string, unknown>; positionals: string[] } {
  const defs: OptionDefs = command.options ?? {}
  const byShort = new Map<string, string>()
  for (const [name, def] of Object.entries(defs)) if (def.short) byShort.set(def.short, name)
  const values: Record<string, unknown> = {}
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg)
      continue
    }
    const long = arg.startsWith('--')
    const eq = arg.indexOf('=')
    const rawName = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, 2)
    let name = long ? rawName : byShort.get(rawName)
    let def = name === undefined ? undefined : defs[name]
    let negated = false
    if (!def && long && rawName.startsWith('no-') && defs[rawName.slice(3)]?.type === 'boolean') {
      name = rawName.slice(3)
      def = defs[name]
      negated = true
    }
    if (!def || name === undefined) throw unknownFlag(arg, defs, path)
    let inline: string | undefined
    if (long && eq !== -1) inline = arg.slice(eq + 1)
    else if (!long && arg.length > 2) inline = arg.slice(2)
    if (def.type === 'boolean') {
      if (inline !== undefined && !/^(true|false)$/.test(inline))
        throw new UserError(
          'BAD_FLAG',
          `${path}: --${name} is a switch and takes no value (got "${inline}")`,
          `write --${name} or --no-${name}`,
        )
      store(values, name, def, negated ? false : inline !== 'false')
      continue
    }
    if (negated) throw unknownFlag(arg, defs, path)
    let raw = inline
    if (raw === undefined) {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new UserError('BAD_FLAG', `${path}: --${name} needs a value`, `e.g. --${name} ${example(def)}`)
      raw = next
      i++
    }
    store(values, name, def, convert(raw, name, def, path))
  }
  for (const [name, def] of Object.entries(defs)) {
    if (values[name] === undefined) {
      if (def.multiple) values[name] = []
      else if (def.default !== undefined) values[name] = def.default
    }
  }
  return { options: values, positionals }
}

// --- internal ---

function store(values: Record<string, unknown>, name: string, def: OptionDef, value: unknown): void {
  if (def.multiple) values[name] = [...((values[name] as unknown[] | undefined) ?? []), value]
  else values[name] = value
}

function convert(raw: string, name: string, def: OptionDef, path: string): string | number {
  if (def.type === 'integer' || def.type === 'number') {
    const n = Number(raw)
    const ok = raw.trim() !== '' && Number.isFinite(n) && (def.type === 'number' || (Number.isInteger(n) && n >= 0))
    if (!ok)
      throw new UserError(
        'BAD_FLAG',
        `${path}: --${name} must be ${def.type === 'integer' ? 'a whole number ≥ 0' : 'a number'}, got "${raw}"`,
        `e.g. --${name} ${example(def)}`,
      )
    return n
  }
  if (def.choices && !def.choices.includes(raw)) {
    const close = nearest(raw, def.choices)
    throw new UserError(
      'BAD_FLAG',
      `${path}: --${name} must be one of ${def.choices.join(', ')}; got "${raw}"`,
      close ? `did you mean --${name} ${close}?` : `e.g. --${name} ${def.choices[0]}`,
    )
  }
  return raw
}

function example(def: OptionDef): string {
  if (def.default !== undefined && typeof def.default !== 'boolean') return String(def.default)
  if (def.choices?.[0]) return def.choices[0]
  return def.type === 'integer' || def.type === 'number' ? '10' : `<${def.valueName ?? 'value'}>`
}

function unknownFlag(arg: string, defs: OptionDefs, path: string): UserError {
  const known = Object.entries(defs)
    .filter(([, d]) => !d.hidden)
    .map(([n]) => `--${n}`)
  const name = arg.split('=')[0] as string
  const close = nearest(name, [...known, '--help'])
  return new UserError(
    'BAD_FLAG',
    `${path}: unknown option ${name}`,
    `${close ? `did you mean ${close}? ` : ''}see \`${path} --help\``,
  )
}

function checkPositionals(command: AnyCommand, positionals: string[], path: string): void {
  const declared = command.positionals ?? []
  const required = declared.filter((p) => p.required)
  if (positionals.length < required.length) {
    const missing = required[positionals.length] as { name: string }
    throw new UserError('BAD_USAGE', `${path}: missing <${missing.name}>`, `see \`${path} --help\``)
  }
  const variadic = declared.at(-1)?.variadic === true
  if (!variadic && positionals.length > declared.length) {
    const extra = positionals[declared.length] as string
    throw new UserError(
      'BAD_USAGE',
      `${path}: unexpected argument "${extra}"`,
      declared.length === 0 ? `it takes no arguments; see \`${path} --help\`` : `see \`${path} --help\``,
    )
  }
}

import type { AnyCommand, OptionDef, OptionDefs } from './define-command.ts'

/** The `--help` text of a command, generated from its declaration. */
export function renderHelp(command: AnyCommand, path: string = command.name): string {
  const lines: string[] = []
  const declared: OptionDefs = command.options ?? {}
  const positionals = (command.positionals ?? []).map((p) => {
    const name = `${p.name}${p.variadic ? '...' : ''}`
    return p.required ? `<${name}>` : `[${name}]`
  })
  const hasOptions = Object.values(declared).some((o) => !o.hidden)
  // A command that runs on its own as well as through its subcommands takes the word optionally.
  const word = command.subcommands ? (command.run ? '[command]' : '<command>') : ''
  const usage = [path, word, ...positionals, hasOptions ? '[options]' : '']
  lines.push(`usage: ${usage.filter(Boolean).join(' ')}`, '', command.summary)
  if (command.description) lines.push('', command.description.trim())
  if (command.subcommands) {
    lines.push('', 'commands:')
    const names = Object.keys(command.subcommands)
    const width = Math.max(...names.map((n) => n.length))
    for (const [name, sub] of Object.entries(command.subcommands)) {
      const summary = (typeof sub === 'function' ? sub.summary : sub.summary) ?? ''
      lines.push(`  ${name.padEnd(width)}  ${summary}`.trimEnd())
    }
  }
  if (command.positionals?.length) {
    lines.push('', 'arguments:')
    const width = Math.max(...command.positionals.map((p) => p.name.length))
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`)
  }
  const options: [string, OptionDef][] = Object.entries(declared).filter(([, o]) => !o.hidden)
  options.push(['help', { type: 'boolean', short: 'h', description: 'print this help' }])
  lines.push('', 'options:')
  const flags = options.map(([name, o]) => flagText(name, o))
  const width = Math.max(...flags.map((f) => f.length))
  options.forEach(([, o], i) => {
    lines.push(`  ${(flags[i] as string).padEnd(width)}  ${o.description}${defaultText(o)}`)
  })
  if (command.examples?.length) {
    lines.push('', 'examples:')
    for (const e of command.examples) lines.push(`  ${path} ${e}`)
  }
  return `${lines.join('\n')}\n`
}

function flagText(name: string, o: OptionDef): string {
  const short = o.short ? `-${o.short}, ` : ''
  const value = o.type === 'boolean' ? '' : ` <${o.valueName ?? (o.choices ? o.choices.join('|') : o.type)}>`
  return `${short}--${name}${value}${o.multiple ? ' (repeatable)' : ''}`
}

function defaultText(o: OptionDef): string {
  if (o.default === undefined || o.default === false) return ''
  return ` (default: ${String(o.default)})`
}

import { UserError } from '../../../foundation/errors/user-error.ts'

/** One option of a hook's argparse parser. */
export interface OptionSpec {
  dest: string
  /** Option strings, e.g. `['-f', '--fix']`. */
  names: readonly string[]
  /** `flag`: store true; `value`: store the next value; `append`: collect values; `const`: store `value`. */
  action: 'flag' | 'value' | 'append' | 'const'
  const?: string
  choices?: readonly string[]
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>
  /** Arguments that are not options (upstream treats them as file names, pygrep's first as its pattern). */
  positionals: string[]
}

/**
 * Parses a hook's `args` as its upstream argparse parser would: `--opt value`, `--opt=value`,
 * `-o value`, `-ovalue`, unambiguous prefixes of long options (argparse's allow_abbrev), `--` ends
 * options. An unknown option or a bad choice is a UserError naming the hook and the argument.
 */
export function parseHookArgs(hookId: string, argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const values: ParsedArgs['values'] = {}
  const positionals: string[] = []
  const bad = (message: string): never => {
    throw new UserError(
      'PRE_COMMIT_HOOK_ARGS',
      `hook ${hookId}: ${message}`,
      `fix \`args\` of hook ${hookId} in .pre-commit-config.yaml; it takes ${specs.flatMap((s) => s.names).join(', ') || 'no options'}`,
    )
  }
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
    let name = arg
    let inline: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      if (eq >= 0) {
        name = arg.slice(0, eq)
        inline = arg.slice(eq + 1)
      }
    } else if (arg.length > 2) {
      name = arg.slice(0, 2)
      inline = arg.slice(2)
    }
    const spec = findSpec(specs, name, bad)
    if (spec.action === 'flag' || spec.action === 'const') {
      if (inline !== undefined) bad(`argument ${spec.names.join('/')}: ignored explicit argument '${inline}'`)
      values[spec.dest] = spec.action === 'flag' ? true : (spec.const as string)
      continue
    }
    let value = inline
    if (value === undefined) {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('-') && next !== '-' && !/^-\d/.test(next))) {
        bad(`argument ${spec.names.join('/')}: expected one argument`)
      }
      value = next as string
      i++
    }
    if (spec.choices && !spec.choices.includes(value)) {
      bad(
        `argument ${spec.names.join('/')}: invalid choice: '${value}' (choose from ${spec.choices.map((c) => `'${c}'`).join(', ')})`,
      )
    }
    if (spec.action === 'append') {
      const list = (values[spec.dest] as string[] | undefined) ?? []
      list.push(value)
      values[spec.dest] = list
    } else {
      values[spec.dest] = value
    }
  }
  return { values, positionals }
}

// --- internal ---

function findSpec(specs: readonly OptionSpec[], name: string, bad: (m: string) => never): OptionSpec {
  const exact = specs.find((s) => s.names.includes(name))
  if (exact) return exact
  if (name.startsWith('--')) {
    const matches = specs.filter((s) => s.names.some((n) => n.startsWith('--') && n.startsWith(name)))
    if (matches.length === 1) return matches[0] as OptionSpec
    if (matches.length > 1) {
      const options = matches.flatMap((s) => s.names.filter((n) => n.startsWith(name)))
      bad(`ambiguous option: ${name} could match ${options.join(', ')}`)
    }
  }
  return bad(`unrecognized arguments: ${name}`)
}

import type { Io } from './io.ts'

/** How an option's value is read: text, a switch, a whole number ≥ 0, or any finite number. */
export type OptionType = 'string' | 'boolean' | 'integer' | 'number'

/** One `--flag` a command accepts: its type, default and the line `--help` prints for it. */
export interface OptionDef {
  type: OptionType
  description: string
  /** One-letter alias, e.g. `'n'` for `-n`. */
  short?: string
  default?: string | boolean | number
  /** Repeatable: the value is an array of every occurrence. */
  multiple?: boolean
  /** The only values accepted (string options). */
  choices?: readonly string[]
  /** What the value is called in help: `--since <duration>`. Default: the type. */
  valueName?: string
  /** Accepted but left out of `--help` (deprecated spellings). */
  hidden?: boolean
}

export type OptionDefs = Record<string, OptionDef>

/** One positional argument, in order. */
export interface PositionalDef {
  name: string
  description: string
  required?: boolean
  /** Takes every remaining argument (last positional only). */
  variadic?: boolean
}

type ValueOf<D extends OptionDef> = D['type'] extends 'boolean'
  ? boolean
  : D['type'] extends 'integer' | 'number'
    ? number
    : string

/** Parsed option values: a default makes the value always present; `multiple` makes an array. */
export type OptionValues<O extends OptionDefs> = {
  [K in keyof O]: O[K]['multiple'] extends true
    ? ValueOf<O[K]>[]
    : O[K]['default'] extends string | number | boolean
      ? ValueOf<O[K]>
      : ValueOf<O[K]> | undefined
}

/** What a command's `run` receives. */
export interface CommandContext<O extends OptionDefs = OptionDefs> {
  options: OptionValues<O>
  positionals: string[]
  /** The arguments as given to this command, after its name: to record or to re-run it. */
  argv: readonly string[]
  io: Io
  /** The command's full name as typed, e.g. `codex-gates ledger sessions`: for messages. */
  path: string
}

/**
 * A command of any option shape. `run` takes its own options type, so commands are contravariant
 * in it: no narrower type than `any` admits every command into one subcommand table.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyCommand = CommandDef<any>

/**
 * A lazily loaded subcommand: importing a verb's module only when it runs keeps start-up fast.
 * Its one-line summary is given up front (`lazyCommand`) so `--help` lists it without loading it.
 */
export type CommandLoader = (() => Promise<AnyCommand>) & { summary?: string }

/** A subcommand loaded on first use, with the summary `--help` shows. */
export function lazyCommand(summary: string, load: () => Promise<AnyCommand>): CommandLoader {
  return Object.assign(load, { summary })
}

/**
 * A command declared once (citty's `defineCommand` is the model): its options with types,
 * defaults and descriptions, its positionals, its subcommands. Parsing, `--help`, "did you mean"
 * for unknown flags and verbs, and usage errors (exit 2) all come from this declaration.
 */
export interface CommandDef<O extends OptionDefs = OptionDefs> {
  name: string
  /** One line: what the command does. */
  summary: string
  /** Further paragraphs for `--help`. */
  description?: string
  options?: O
  positionals?: readonly PositionalDef[]
  subcommands?: Readonly<Record<string, AnyCommand | CommandLoader>>
  /** Example invocations for `--help`, without the command name. */
  examples?: readonly string[]
  /**
   * Hands every argument to `run` as a positional, unparsed (`--help` included): for commands
   * whose own parser still does the work.
   */
  passthrough?: boolean
  /** Returns the exit code. Absent on a command that only groups subcommands. */
  run?: (context: CommandContext<O>) => number | Promise<number>
}

/** Declares a command; the identity, for the types. */
export function defineCommand<O extends OptionDefs = Record<string, never>>(def: CommandDef<O>): CommandDef<O> {
  return def
}

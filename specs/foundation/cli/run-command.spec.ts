import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { defineCommand } from '../../../src/foundation/cli/define-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { parseOptions, runCommand } from '../../../src/foundation/cli/run-command.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'

const sessions = defineCommand({
  name: 'sessions',
  summary: 'list recent sessions',
  options: {
    limit: { type: 'integer', default: 20, description: 'how many', short: 'n' },
    kind: { type: 'string', description: 'only this kind', choices: ['vitest', 'pre-commit', 'train'] },
    json: { type: 'boolean', description: 'print JSON' },
    tag: { type: 'string', multiple: true, description: 'a tag' },
    ratio: { type: 'number', description: 'a ratio' },
  },
  positionals: [{ name: 'id', description: 'a session' }],
  run: ({ options, positionals, io }) => {
    io.stdout(`${JSON.stringify({ options, positionals })}\n`)
    return 0
  },
})

const root = defineCommand({
  name: 'tool',
  summary: 'a tool',
  subcommands: {
    sessions,
    show: async () =>
      defineCommand({
        name: 'show',
        summary: 'one session',
        positionals: [{ name: 'ids', description: 'sessions', required: true, variadic: true }],
        run: ({ positionals, io }) => {
          io.stdout(positionals.join(','))
          return 7
        },
      }),
  },
})

function thrown(fn: () => unknown): UserError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error('expected a UserError')
}

async function rejected(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

describe('parseOptions()', () => {
  test('types, defaults, short and inline forms, repeatable, --no-, and -- ends the options', () => {
    const { options, positionals } = parseOptions(sessions, [
      '-n',
      '5',
      '--kind=train',
      '--json',
      '--tag',
      'a',
      '--tag=b',
      '--ratio',
      '-0.5',
      'abc',
      '--',
      '--not-a-flag',
    ])
    expect(options).toEqual({ limit: 5, kind: 'train', json: true, tag: ['a', 'b'], ratio: -0.5 })
    expect(positionals).toEqual(['abc', '--not-a-flag'])
    expect(parseOptions(sessions, ['--no-json']).options).toEqual({ limit: 20, json: false, tag: [] })
  })

  test('an unknown flag names the nearest known one and the help to read', () => {
    const e = thrown(() => parseOptions(sessions, ['--limt', '3'], 'codex-gates ledger sessions'))
    expect(e.code).toBe('BAD_FLAG')
    expect(e.message).toBe('codex-gates ledger sessions: unknown option --limt')
    expect(e.hint).toBe('did you mean --limit? see `codex-gates ledger sessions --help`')
  })

  test('bad values name the flag, what was expected and an example', () => {
    expect(thrown(() => parseOptions(sessions, ['--limit', 'many'])).message).toBe(
      'sessions: --limit must be a whole number ≥ 0, got "many"',
    )
    expect(thrown(() => parseOptions(sessions, ['--limit', '-1'])).message).toContain('whole number')
    const choice = thrown(() => parseOptions(sessions, ['--kind', 'trian']))
    expect(choice.message).toBe('sessions: --kind must be one of vitest, pre-commit, train; got "trian"')
    expect(choice.hint).toBe('did you mean --kind train?')
    expect(thrown(() => parseOptions(sessions, ['--kind'])).message).toBe('sessions: --kind needs a value')
    expect(thrown(() => parseOptions(sessions, ['--json=yes'])).message).toContain('is a switch')
    expect(thrown(() => parseOptions(sessions, ['--no-kind'])).message).toBe('sessions: unknown option --no-kind')
  })

  test('property: any combination of declared flags parses back to the values given', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            limit: fc.nat(10_000),
            kind: fc.constantFrom('vitest', 'pre-commit', 'train'),
            json: fc.boolean(),
            tag: fc.array(
              fc.string({ minLength: 1 }).filter((s) => !s.startsWith('-')),
              { maxLength: 3 },
            ),
            // -0 is written as "0": compare what a user can type
            ratio: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
          },
          { requiredKeys: [] },
        ),
        fc.boolean(),
        (given, inline) => {
          const argv: string[] = []
          for (const [name, value] of Object.entries(given)) {
            const values = Array.isArray(value) ? value : [value]
            for (const v of values) {
              if (typeof v === 'boolean') argv.push(v ? `--${name}` : `--no-${name}`)
              else if (inline) argv.push(`--${name}=${v}`)
              else argv.push(`--${name}`, String(v))
            }
          }
          const { options } = parseOptions(sessions, argv)
          const expected = { limit: 20, tag: [], ...given }
          expect(options).toEqual(expected)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('runCommand()', () => {
  test('routes to a subcommand, loading it lazily, and returns its exit code', async () => {
    const io = memoryIo()
    expect(await runCommand(root, ['show', 'a', 'b'], io)).toBe(7)
    expect(io.out).toBe('a,b')
    expect(await runCommand(root, ['sessions', '--json', 'x'], io)).toBe(0)
    expect(io.out).toContain('"positionals":["x"]')
  })

  test('an unknown verb says the nearest one', async () => {
    const e = await rejected(runCommand(root, ['sesions'], memoryIo()))
    expect(e.code).toBe('BAD_USAGE')
    expect(e.message).toBe('tool: unknown command "sesions"')
    expect(e.hint).toBe('did you mean `tool sessions`? see `tool --help`')
  })

  test('missing and extra positionals are usage errors', async () => {
    expect((await rejected(runCommand(root, ['show'], memoryIo()))).message).toBe('tool show: missing <ids>')
    expect((await rejected(runCommand(root, ['sessions', 'a', 'b'], memoryIo()))).message).toBe(
      'tool sessions: unexpected argument "b"',
    )
  })

  test('--help anywhere prints the generated help and exits 0; a bare group prints it to stderr, exit 2', async () => {
    const io = memoryIo()
    expect(await runCommand(root, ['sessions', '--kind', 'train', '--help'], io)).toBe(0)
    expect(io.out).toBe(
      [
        'usage: tool sessions [id] [options]',
        '',
        'list recent sessions',
        '',
        'arguments:',
        '  id  a session',
        '',
        'options:',
        '  -n, --limit <integer>             how many (default: 20)',
        '  --kind <vitest|pre-commit|train>  only this kind',
        '  --json                            print JSON',
        '  --tag <string> (repeatable)       a tag',
        '  --ratio <number>                  a ratio',
        '  -h, --help                        print this help',
        '',
      ].join('\n'),
    )
    const bare = memoryIo()
    expect(await runCommand(root, [], bare)).toBe(2)
    expect(bare.out).toBe('')
    expect(bare.err).toContain('commands:\n  sessions  list recent sessions\n  show')
  })
})

describe('runCommand() on a command with subcommands and a run of its own', () => {
  const seen: { argv: readonly string[]; options: unknown }[] = []
  const train = defineCommand({
    name: 'train',
    summary: 'train a model',
    options: {
      config: { type: 'string', description: 'the config' },
      seed: { type: 'integer', description: 'a seed' },
    },
    subcommands: {
      sweep: defineCommand({
        name: 'sweep',
        summary: 'train several',
        options: { run: { type: 'boolean', description: 'train them' } },
        positionals: [{ name: 'grid', description: 'grids', variadic: true }],
        run: ({ argv, io }) => {
          io.stdout(`sweep ${argv.join(' ')}`)
          return 0
        },
      }),
    },
    run: ({ argv, options }) => {
      seen.push({ argv, options })
      return 0
    },
  })

  test('flags first (or no arguments) run the command itself; it gets its arguments as typed', async () => {
    expect(await runCommand(train, ['--config', 'a.json', '--seed=3'], memoryIo())).toBe(0)
    expect(await runCommand(train, [], memoryIo())).toBe(0)
    expect(seen).toEqual([
      { argv: ['--config', 'a.json', '--seed=3'], options: { config: 'a.json', seed: 3 } },
      { argv: [], options: {} },
    ])
  })

  test('a subcommand word runs the subcommand with the rest', async () => {
    const io = memoryIo()
    expect(await runCommand(train, ['sweep', 'x', '--run'], io)).toBe(0)
    expect(io.out).toBe('sweep x --run')
  })

  test('a word that names no subcommand is an unknown command with the nearest; an unknown flag names the nearest flag', async () => {
    const e = await rejected(runCommand(train, ['swep'], memoryIo()))
    expect(e.message).toBe('train: unknown command "swep"')
    expect(e.hint).toBe('did you mean `train sweep`? see `train --help`')
    const flag = await rejected(runCommand(train, ['--conifg', 'a.json'], memoryIo()))
    expect(flag.code).toBe('BAD_FLAG')
    expect(flag.hint).toBe('did you mean --config? see `train --help`')
  })

  test('--help shows the word as optional, the commands and the options', async () => {
    const io = memoryIo()
    expect(await runCommand(train, ['--help'], io)).toBe(0)
    expect(io.out).toBe(
      [
        'usage: train [command] [options]',
        '',
        'train a model',
        '',
        'commands:',
        '  sweep  train several',
        '',
        'options:',
        '  --config <string>  the config',
        '  --seed <integer>   a seed',
        '  -h, --help         print this help',
        '',
      ].join('\n'),
    )
  })
})

// The train command tree in this process: help, subcommands (loaded lazily) and usage errors,
// without starting a trainer. The child-process behaviour is in train-cli.spec.ts.
import { describe, expect, test } from 'vitest'
import { trainCli } from '../../../src/app/train/train-cli.ts'
import type { CommandLoader } from '../../../src/foundation/cli/define-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import type { UserError } from '../../../src/foundation/errors/user-error.ts'
import { userErrorOf } from '../../support/user-error.ts'

function rejected(argv: string[]): Promise<UserError> {
  return userErrorOf(runCommand(trainCli, argv, memoryIo({ env: process.env })))
}

describe('trainCli', () => {
  test('--help lists every subcommand beside the training options', async () => {
    const io = memoryIo()
    expect(await runCommand(trainCli, ['--help'], io)).toBe(0)
    expect(io.out).toMatch(/^usage: npm run train -- \[command\] \[options\]\n/)
    const commands = io.out.slice(io.out.indexOf('commands:\n'), io.out.indexOf('\noptions:\n'))
    expect(commands.split('\n').map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'commands:',
      'sweep',
      'prepare',
      'export',
      'sample',
      'import',
      'registry',
      '',
    ])
    for (const flag of ['--config <file>', '--set <key=value> (repeatable)', '--dry-run', '--max-steps <n>'])
      expect(io.out).toContain(flag)
  })

  test("each subcommand's --help is its own, from its declaration", async () => {
    const io = memoryIo()
    expect(await runCommand(trainCli, ['sample', '--help'], io)).toBe(0)
    expect(io.out).toMatch(/^usage: npm run train -- sample \[options\]\n/)
    expect(io.out).toContain('--max-new-tokens <n>')
    expect(io.out).toContain('(default: 200)')
    const registry = memoryIo()
    expect(await runCommand(trainCli, ['registry', 'add', '--help'], registry)).toBe(0)
    expect(registry.out).toMatch(/^usage: npm run train -- registry add <dir> \[options\]\n/)
  })

  test('the summaries --help lists without loading a subcommand are the subcommands’ own', async () => {
    for (const [name, sub] of Object.entries(trainCli.subcommands ?? {})) {
      const loader = sub as CommandLoader
      expect((await loader()).summary, name).toBe(loader.summary)
    }
  })

  test('an unknown flag names the nearest one; an unknown word the nearest subcommand (exit 2)', async () => {
    const flag = await rejected(['--config', 'configs/train/gpt-tiny.json', '--dry-rn'])
    expect(flag).toMatchObject({
      code: 'BAD_FLAG',
      exitCode: 2,
      message: 'npm run train --: unknown option --dry-rn',
      hint: 'did you mean --dry-run? see `npm run train -- --help`',
    })
    const sub = await rejected(['sweeep', '--config', 'x.json'])
    expect(sub).toMatchObject({ code: 'BAD_USAGE', message: 'npm run train --: unknown command "sweeep"' })
    expect(sub.hint).toBe('did you mean `npm run train -- sweep`? see `npm run train -- --help`')
    const nested = await rejected(['export', '--chekpoint', 'runs/x'])
    expect(nested.hint).toBe('did you mean --checkpoint? see `npm run train -- export --help`')
  })

  test('typed flags: a bad number or choice is a usage error naming the flag', async () => {
    expect((await rejected(['--config', 'x.json', '--max-steps', 'ten'])).message).toBe(
      'npm run train --: --max-steps must be a whole number ≥ 0, got "ten"',
    )
    const backend = await rejected(['--config', 'x.json', '--backend', 'ort-cpuu'])
    expect(backend.hint).toBe('did you mean --backend ort-cpu?')
    expect((await rejected(['sweep', '--config', 'x.json'])).message).toBe(
      'npm run train -- sweep: --config and at least one --grid are required',
    )
  })

  test('no arguments asks for --config, as before', async () => {
    const e = await rejected([])
    expect(e).toMatchObject({ code: 'BAD_FLAG', message: 'npm run train --: --config is required' })
  })
})

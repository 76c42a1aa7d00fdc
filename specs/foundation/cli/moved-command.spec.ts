import { describe, expect, test } from 'vitest'
import { defineCommand } from '../../../src/foundation/cli/define-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { movedCommand } from '../../../src/foundation/cli/moved-command.ts'
import { renderHelp } from '../../../src/foundation/cli/render-help.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import type { UserError } from '../../../src/foundation/errors/user-error.ts'
import { userErrorOf } from '../../support/user-error.ts'

const evalCli = defineCommand({
  name: 'npm run eval --',
  summary: 'score outputs',
  subcommands: { prepare: movedCommand('prepare', 'npm run train -- prepare') },
})

function rejected(argv: string[]): Promise<UserError> {
  return userErrorOf(runCommand(evalCli, argv, memoryIo()))
}

describe('movedCommand()', () => {
  test('answers exit 2 naming the new spelling, with the arguments given (quoted where a shell needs it)', async () => {
    const e = await rejected(['prepare', '--config', 'configs/datasets/tiny stories.json', '--force'])
    expect(e.code).toBe('COMMAND_MOVED')
    expect(e.exitCode).toBe(2)
    expect(e.message).toBe('npm run eval -- prepare has moved to `npm run train -- prepare`')
    expect(e.hint).toBe(
      "run `npm run train -- prepare --config 'configs/datasets/tiny stories.json' --force` (see `npm run train -- prepare --help`)",
    )
  })

  test('--help to the old spelling gets the same answer, without the --help', async () => {
    const e = await rejected(['prepare', '--help'])
    expect(e.hint).toBe('run `npm run train -- prepare` (see `npm run train -- prepare --help`)')
  })

  test('the old name stays listed, saying where it went', () => {
    expect(renderHelp(evalCli)).toContain('commands:\n  prepare  moved: `npm run train -- prepare`\n')
  })
})

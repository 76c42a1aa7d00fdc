import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { evalCli } from '../../../src/app/eval/eval-cli.ts'
import type { CommandLoader } from '../../../src/foundation/cli/define-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { userErrorOf } from '../../support/user-error.ts'

describe('evalCli', () => {
  test('prepare moved to `npm run train -- prepare`: exit 2 naming the new spelling with the same arguments', async () => {
    const error = await userErrorOf(
      runCommand(evalCli, ['prepare', '--config', 'configs/datasets/tiny-stories.json', '--force'], memoryIo()),
    )
    expect(error).toMatchObject({
      code: 'COMMAND_MOVED',
      exitCode: 2,
      message: 'npm run eval -- prepare has moved to `npm run train -- prepare`',
      hint: 'run `npm run train -- prepare --config configs/datasets/tiny-stories.json --force` (see `npm run train -- prepare --help`)',
    })
  })

  test('the script prints the redirect on stderr, exit 2, no stack', () => {
    const dir = tempDir('eval-prepare-')
    const r = spawnSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/eval.ts', 'prepare', '--config', 'configs/datasets/tiny-qa.json'],
      { cwd: REPO_ROOT, env: childEnv(join(dir, 'ledger.db')), encoding: 'utf8' },
    )
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'error: npm run eval -- prepare has moved to `npm run train -- prepare`\n' +
        '  hint: run `npm run train -- prepare --config configs/datasets/tiny-qa.json` (see `npm run train -- prepare --help`)\n',
    )
  }, 30_000)

  test('--help lists score, metrics and where prepare went', async () => {
    const io = memoryIo()
    expect(await runCommand(evalCli, ['--help'], io)).toBe(0)
    expect(io.out).toContain('commands:\n  score ')
    expect(io.out).toContain('\n  metrics ')
    expect(io.out).toContain('\n  prepare  moved: `npm run train -- prepare`\n')
  })

  test('the summaries --help lists without loading a subcommand are the subcommands’ own', async () => {
    for (const [name, sub] of Object.entries(evalCli.subcommands ?? {})) {
      if (typeof sub !== 'function') continue
      const loader = sub as CommandLoader
      expect((await loader()).summary, name).toBe(loader.summary)
    }
  })
})

import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { tempDir } from '../../support/temp-dir.ts'
import { captureIo, runTrain, trainedRun } from './trained-run.ts'

const parentDir = tempDir('trained-run-')
let run: string
beforeAll(async () => {
  run = await trainedRun(parentDir, false)
}, 60_000)

async function sample(args: string[]): Promise<string> {
  const { io, out } = captureIo()
  expect(await runTrain(['sample', '--checkpoint', run, ...args], io)).toBe(0)
  return out.join('\n')
}

describe('sampleCommand()', () => {
  test('continues the prompt; the same seed gives the same text, another seed another', async () => {
    const args = ['--prompt', 'The fox', '--max-new-tokens', '24', '--temperature', '1.2', '--top-k', '20']
    const a = await sample([...args, '--seed', '4'])
    expect(a.startsWith('The fox')).toBe(true)
    expect(a.length).toBe('The fox'.length + 24)
    expect(await sample([...args, '--seed', '4'])).toBe(a)
    expect(await sample([...args, '--seed', '5'])).not.toBe(a)
  })

  test('greedy text is the same on ts and ort-cpu; --num-samples separates the texts', async () => {
    const args = ['--prompt', 'A', '--max-new-tokens', '16', '--temperature', '0']
    expect(await sample([...args, '--backend', 'ort-cpu'])).toBe(await sample(args))
    const two = await sample([...args, '--num-samples', '2'])
    expect(two.split('\n---------------\n')).toHaveLength(2)
  })

  test('loads a ckpt-<step> folder directly, rebuilding the tokenizer from the corpus', async () => {
    const text = await sample(['--prompt', 'A', '--max-new-tokens', '4', '--temperature', '0'])
    const { io, out } = captureIo()
    await runTrain(
      [
        'sample',
        '--checkpoint',
        join(run, 'checkpoints', 'ckpt-3'),
        '--prompt',
        'A',
        '--max-new-tokens',
        '4',
        '--temperature',
        '0',
      ],
      io,
    )
    expect(out.join('\n')).toBe(text)
  })

  test('refuses bad flags with the fix', async () => {
    const { io } = captureIo()
    await expect(runTrain(['sample', '--prompt', 'x'], io)).rejects.toThrow('--checkpoint is required')
    await expect(runTrain(['sample', '--checkpoint', run, '--temperature=-1'], io)).rejects.toThrow(
      '--temperature must be a number ≥ 0, got "-1"',
    )
    await expect(runTrain(['sample', '--checkpoint', run, '--prompt', '€'], io)).rejects.toMatchObject({
      name: 'UserError',
    })
  })
})

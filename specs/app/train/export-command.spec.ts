import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ort from 'onnxruntime-node'
import { beforeAll, describe, expect, test } from 'vitest'
import { loadTrainedModel } from '../../../src/app/train/load-trained-model.ts'
import { resolveExecutor } from '../../../src/domain/train/executor.ts'
import { Generator } from '../../../src/domain/train/generate.ts'
import { decodeModel } from '../../../src/domain/train/onnx/onnx-schema.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { captureIo, runTrain, trainedRun } from './trained-run.ts'

const parentDir = tempDir('trained-run-')
let run: string
beforeAll(async () => {
  run = await trainedRun(parentDir)
}, 60_000)

describe('exportCommand()', () => {
  test('writes an ONNX model with the weights inside that gives the ts executor logits', async () => {
    const out = join(parentDir, 'model.onnx')
    const { io, out: lines } = captureIo()
    expect(await runTrain(['export', '--checkpoint', run, '--out', out, '--batch', '2', '--seq', '16'], io)).toBe(0)
    expect(lines.join('\n')).toMatch(
      /wrote .*model\.onnx .*tokens int32 \[2,16\] → logits float32 \[2,16,\d+\] from .*ckpt-3 \(step 3\)/,
    )

    const bytes = readFileSync(out)
    const meta = Object.fromEntries(decodeModel(bytes).metadata_props.map((p) => [p.key, p.value]))
    expect(meta.step).toBe('3')
    expect(JSON.parse(meta.tokenizer as string).type).toBe('char')
    expect(JSON.parse(meta.config as string).n_layer).toBe(2)

    const model = await loadTrainedModel(run)
    const V = model.gpt.vocab_size
    const tokens = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % V)
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 })
    expect(session.inputNames).toEqual(['tokens'])
    const logits = (await session.run({ tokens: new ort.Tensor('int32', tokens, [2, 16]) })).logits
      ?.data as Float32Array
    await session.release()
    // The reference: the ts forward over the same 16 tokens of the second sequence, last position.
    const generator = await Generator.create(await resolveExecutor('ts'), model.gpt, model.params)
    const want = await generator.nextLogits(Array.from(tokens.subarray(16)))
    await generator.dispose()
    const got = logits.subarray((16 + 15) * V, (16 + 16) * V)
    let worst = 0
    for (let i = 0; i < V; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)))
    expect(worst).toBeLessThan(1e-4)
  })

  test('refuses a missing flag, a sequence longer than block_size and a folder with no checkpoint', async () => {
    const { io } = captureIo()
    await expect(runTrain(['export', '--checkpoint', run], io)).rejects.toThrow('--checkpoint and --out are required')
    await expect(
      runTrain(['export', '--checkpoint', run, '--out', join(parentDir, 'x.onnx'), '--seq', '33'], io),
    ).rejects.toThrow("--seq must be in 1..32 (the model's block_size), got 33")
    await expect(
      runTrain(['export', '--checkpoint', parentDir, '--out', join(parentDir, 'x.onnx')], io),
    ).rejects.toMatchObject({
      code: 'CHECKPOINT_NOT_FOUND',
    })
  })

  test('--out into a missing folder or onto a folder is a usage error naming --out and the fix', async () => {
    const { io } = captureIo()
    const missing = join(parentDir, 'no-such-dir', 'model.onnx')
    await expect(runTrain(['export', '--checkpoint', run, '--out', missing], io)).rejects.toMatchObject({
      code: 'BAD_FLAG',
      exitCode: 2,
      message: `--out ${missing}: the folder ${join(parentDir, 'no-such-dir')} does not exist`,
      hint: `create it first (mkdir -p ${join(parentDir, 'no-such-dir')}) or write into an existing folder`,
    })
    await expect(runTrain(['export', '--checkpoint', run, '--out', parentDir], io)).rejects.toMatchObject({
      code: 'BAD_FLAG',
      exitCode: 2,
      message: `--out ${parentDir} is a folder; it takes the path of the .onnx file to write`,
      hint: `e.g. --out ${join(parentDir, 'model.onnx')}`,
    })
  })
})

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { loadTrainedModel } from '../../../src/app/train/load-trained-model.ts'
import { CheckpointManager } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { decodeSafetensors } from '../../../src/domain/checkpoint/read-safetensors.ts'
import { readHfFolder } from '../../../src/domain/pretrained/hf-folder.ts'
import { loadPretrained } from '../../../src/domain/pretrained/load-pretrained.ts'
import { ModelRegistry } from '../../../src/domain/pretrained/model-registry.ts'
import { readPeftAdapter } from '../../../src/domain/pretrained/peft-adapter.ts'
import { pretrainedInit } from '../../../src/domain/pretrained/pretrained-init.ts'
import { loadTrainConfig } from '../../../src/domain/train/config/load-train-config.ts'
import { mergeLora } from '../../../src/domain/train/model/lora-merge.ts'
import { loadTextData } from '../../../src/domain/train/text-data.ts'
import { train } from '../../../src/domain/train/train.ts'
import { perturbedParams, TINY_GPT, writeGpt2Fixture } from '../../domain/pretrained/support/model-fixtures.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { captureIo, runTrain, trainedRun } from './trained-run.ts'

const dir = tempDir('export-weights-')
const registry = join(dir, 'models')
let fullRun: string
let loraRun: string

/** gpt-tiny trained 3 steps, exported to Hugging Face's layout and registered as `tiny`; then 3 LoRA steps on it. */
beforeAll(async () => {
  fullRun = await trainedRun(dir)
  await runTrain(['export', '--format', 'hf', '--checkpoint', fullRun, '--out', join(dir, 'tiny-hf')], captureIo().io)
  await runTrain(['registry', 'add', join(dir, 'tiny-hf'), '--name', 'tiny', '--registry', registry], captureIo().io)
  const { config } = loadTrainConfig(
    'configs/train/gpt-tiny.json',
    ['max_iters=3', 'eval_interval=3', 'eval_iters=1', 'lora.r=4', 'lora.target_modules=c_attn,c_fc'],
    { init_from: 'registry:tiny', system_metrics: 'off' },
  )
  const data = loadTextData(config.dataset, config.val_fraction, config.block_size)
  const fitted = pretrainedInit(
    config,
    await loadPretrained('registry:tiny', new ModelRegistry(registry)),
    data.tokenizer.vocabSize,
  )
  loraRun = join(dir, 'lora-run')
  await train({
    config: fitted.config,
    data,
    outDir: loraRun,
    init: fitted.init,
    checkpointer: new CheckpointManager({ dir: join(loraRun, 'checkpoints') }),
  })
}, 120_000)

const tensorsOf = (folder: string, file = 'model.safetensors') =>
  decodeSafetensors(readFileSync(join(folder, file))).tensors

describe('exportCommand() --format hf', () => {
  test('import → export of a GPT-2 folder gives byte-identical tensors (and here the same file)', async () => {
    const source = join(dir, 'gpt2-layout')
    writeGpt2Fixture(source, TINY_GPT, perturbedParams(TINY_GPT, 12))
    await runTrain(['registry', 'add', source, '--name', 'round', '--registry', registry], captureIo().io)
    const out = join(dir, 'round-out')
    const c = captureIo()
    expect(
      await runTrain(
        ['export', '--format', 'hf', '--model', 'registry:round', '--registry', registry, '--out', out],
        c.io,
      ),
    ).toBe(0)
    expect(c.out[0]).toMatch(/^wrote .*round-out \(Hugging Face GPT-2 layout, [\d.]+ MB\) from registry model round$/)
    const a = tensorsOf(source)
    const b = tensorsOf(out)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [k, t] of a) {
      expect(b.get(k)?.dtype).toBe(t.dtype)
      expect(b.get(k)?.shape).toEqual(t.shape)
      expect(Buffer.from(b.get(k)?.bytes ?? []).equals(Buffer.from(t.bytes))).toBe(true)
    }
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(source, 'model.safetensors')))).toBe(
      true,
    )
    // the source config's token ids survive; the architecture is rewritten in full
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      bos_token_id: 50256,
      n_positions: 8,
      model_type: 'gpt2',
    })
  })

  test('bare keys with mask buffers come back under transformer. keys, tensors byte-identical, buffers dropped', async () => {
    const source = join(dir, 'bare-layout')
    writeGpt2Fixture(source, TINY_GPT, perturbedParams(TINY_GPT, 13), { bare: true, buffers: true })
    const out = join(dir, 'bare-out')
    expect(await runTrain(['export', '--format', 'hf', '--model', source, '--out', out], captureIo().io)).toBe(0)
    const a = tensorsOf(source)
    const b = tensorsOf(out)
    for (const [k, t] of b)
      expect(Buffer.from(a.get(k.replace(/^transformer\./, ''))?.bytes ?? []).equals(Buffer.from(t.bytes))).toBe(true)
    expect([...a.keys()].filter((k) => /^h\.\d+\.attn\.(masked_)?bias$/.test(k))).toHaveLength(4)
    expect(b.size).toBe(a.size - 4)
  })

  test("a full run's checkpoint exports its weights as they are", async () => {
    const model = await loadTrainedModel(fullRun)
    const back = await readHfFolder(join(dir, 'tiny-hf'))
    expect(back.gpt).toMatchObject({
      n_layer: 2,
      n_head: 2,
      n_embd: 32,
      block_size: 32,
      vocab_size: model.gpt.vocab_size,
    })
    for (const [k, t] of Object.entries(model.params)) expect(back.params[k]?.data).toEqual(t.data)
  })

  test("a LoRA run's checkpoint exports merged into its base; base + its PEFT adapter merge to the same bytes", async () => {
    const merged = join(dir, 'merged')
    const c = captureIo()
    expect(
      await runTrain(
        ['export', '--format', 'hf', '--checkpoint', loraRun, '--registry', registry, '--out', merged],
        c.io,
      ),
    ).toBe(0)
    expect(c.out[0]).toContain('(step 3, LoRA adapters merged into the base)')
    const model = await loadTrainedModel(loraRun, '--checkpoint', registry)
    const adapter = model.adapter as NonNullable<typeof model.adapter>
    const expected = mergeLora(adapter.base, adapter.params, adapter.lora)
    const back = await readHfFolder(merged)
    for (const [k, t] of Object.entries(expected)) expect(back.params[k]?.data).toEqual(t.data)

    const peft = join(dir, 'adapter')
    expect(
      await runTrain(
        ['export', '--format', 'peft', '--checkpoint', loraRun, '--registry', registry, '--out', peft],
        c.io,
      ),
    ).toBe(0)
    expect(c.out[1]).toMatch(/^wrote .*adapter \(PEFT LoRA adapter, r 4, 4 projections\) from .*ckpt-3 \(step 3\)$/)
    const read = await readPeftAdapter(peft)
    expect(read.lora).toMatchObject({ r: 4, target_modules: ['c_attn', 'c_fc'] })
    expect(read.baseModel).toBe('registry:tiny')
    for (const [k, t] of Object.entries(adapter.params)) expect(read.params[k]?.data).toEqual(t.data)
    // the run folder's own adapter/ (written by the CLI) is the same export; here the base + adapter merge path:
    const again = join(dir, 'merged-again')
    await runTrain(
      [
        'export',
        '--format',
        'hf',
        '--model',
        'registry:tiny',
        '--adapter',
        peft,
        '--registry',
        registry,
        '--out',
        again,
      ],
      c.io,
    )
    expect(readFileSync(join(again, 'model.safetensors')).equals(readFileSync(join(merged, 'model.safetensors')))).toBe(
      true,
    )
  })

  test('usage errors name the flag and the fix', async () => {
    const { io } = captureIo()
    const out = join(dir, 'never')
    await expect(runTrain(['export', '--format', 'gguf', '--out', out], io)).rejects.toThrow(
      'npm run train -- export: --format must be one of onnx, hf, peft; got "gguf"',
    )
    await expect(runTrain(['export', '--format', 'hf', '--out', out], io)).rejects.toThrow(
      'give one of --checkpoint (a training run) or --model',
    )
    await expect(
      runTrain(['export', '--format', 'hf', '--checkpoint', fullRun, '--model', 'x', '--out', out], io),
    ).rejects.toThrow('give one of')
    await expect(runTrain(['export', '--format', 'peft', '--checkpoint', fullRun, '--out', out], io)).rejects.toThrow(
      "is a full training run's checkpoint, not a LoRA run's",
    )
    await expect(runTrain(['export', '--checkpoint', fullRun, '--model', 'x', '--out', out], io)).rejects.toThrow(
      '--model goes with --format hf',
    )
    await expect(
      runTrain(['export', '--format', 'hf', '--model', 'gpt2', '--registry', registry, '--out', out], io),
    ).rejects.toMatchObject({
      code: 'PRETRAINED_NOT_FOUND',
      message: expect.stringContaining('--model gpt2'),
    })
    await expect(
      runTrain(
        ['export', '--format', 'hf', '--model', 'registry:tiny', '--registry', registry, '--out', join(dir, 'merged')],
        io,
      ),
    ).rejects.toThrow('already holds files')
  })
})

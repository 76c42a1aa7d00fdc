import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { CheckpointManager } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { loadCheckpoint } from '../../../src/domain/checkpoint/load-checkpoint.ts'
import { loadTrainConfig } from '../../../src/domain/train/config/load-train-config.ts'
import type { TrainConfig } from '../../../src/domain/train/config/train-config.ts'
import type { Executor, HostTensor, Session } from '../../../src/domain/train/executor.ts'
import { type InitWeights, weightsDigest } from '../../../src/domain/train/init-weights.ts'
import { gptParamSpecs } from '../../../src/domain/train/model/gpt.ts'
import type { LoraSettings } from '../../../src/domain/train/model/lora.ts'
import { mergeLora } from '../../../src/domain/train/model/lora-merge.ts'
import { loadTextData } from '../../../src/domain/train/text-data.ts'
import { train } from '../../../src/domain/train/train.ts'
import type { TrainState } from '../../../src/domain/train/train-state.ts'
import { modelConfig } from '../../../src/domain/train/train-step-spec.ts'
import { TsExecutor } from '../../../src/domain/train/ts/ts-executor.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { logitsOf, relativeError } from '../pretrained/support/model-fixtures.ts'

const dir = tempDir('train-lora-')
const { config: tiny } = loadTrainConfig('configs/train/gpt-tiny.json', [], {
  backend: 'ts',
  system_metrics: 'off',
  threads: 1,
})
const data = loadTextData(tiny.dataset, tiny.val_fraction, tiny.block_size)
const gpt = modelConfig(tiny, data.tokenizer.vocabSize)
const LORA: LoraSettings = {
  r: 4,
  lora_alpha: 8,
  lora_dropout: 0,
  target_modules: ['c_attn', 'c_proj', 'c_fc'],
  task_type: 'CAUSAL_LM',
}

/** gpt-tiny trained in full for a few dozen steps: the base the LoRA runs adapt (full checkpoint kept). */
const pretrained = (async () => {
  const out = join(dir, 'pretrain')
  const config = { ...tiny, max_iters: 30, lr_decay_iters: 30, eval_interval: 30, eval_iters: 2, checkpoint_every: 0 }
  const result = await train({
    config,
    data,
    outDir: out,
    checkpointer: new CheckpointManager({ dir: join(out, 'checkpoints') }),
  })
  const init: InitWeights = {
    params: result.state.params,
    source: 'pretrain',
    digest: weightsDigest(result.state.params),
  }
  return { init, checkpoint: join(out, 'checkpoints', 'ckpt-30') }
})()

function loraConfig(over: Partial<TrainConfig> = {}, lora: Partial<LoraSettings> = {}): TrainConfig {
  return {
    ...tiny,
    init_from: 'pretrain',
    lora: { ...LORA, ...lora },
    max_iters: 30,
    lr_decay_iters: 30,
    eval_interval: 10,
    eval_iters: 2,
    checkpoint_every: 0,
    ...over,
  }
}

/** The ts executor, keeping every session's state as it was at dispose (the frozen base included). */
function spyExecutor(): { executor: Executor; finalState: () => Record<string, HostTensor> } {
  const inner = new TsExecutor({ threads: 1 })
  let last: Record<string, HostTensor> = {}
  const executor: Executor = {
    name: inner.name,
    device: inner.device,
    async load(program) {
      const session = await inner.load(program)
      const spy: Session = {
        run: (g, f) => session.run(g, f),
        readState: (n) => session.readState(n),
        writeState: (v) => session.writeState(v),
        async dispose() {
          last = await session.readState()
          await session.dispose()
        },
      }
      return spy
    },
  }
  return { executor, finalState: () => last }
}

const bits = (state: TrainState) =>
  Buffer.concat(
    Object.keys(state.params)
      .sort()
      .flatMap((k) => [state.params[k], state.optimizer.m[k], state.optimizer.v[k]])
      .map((t) => Buffer.from((t as { data: Float32Array }).data.buffer)),
  )

describe('train() with lora', () => {
  test('on gpt-tiny the loss falls while the base stays bit-identical, and only the adapters are trained', {
    timeout: 60_000,
  }, async () => {
    const { init } = await pretrained
    const before = weightsDigest(init.params)
    const spy = spyExecutor()
    const result = await train({ config: loraConfig(), data, outDir: join(dir, 'falls'), init, executor: spy.executor })
    const [first, ...rest] = result.evals
    // deterministic (ts gives the same bits on any machine): 3.0652 → 3.0519 over 30 steps
    expect(rest.at(-1)?.loss).toBeLessThan((first?.loss as number) - 0.01)
    expect(rest.map((e) => e.loss)).toEqual([...rest.map((e) => e.loss)].sort((a, b) => b - a))
    expect(Object.keys(result.state.params).every((k) => /\.lora_[AB]\.weight$/.test(k))).toBe(true)
    expect(Object.keys(result.state.params)).toHaveLength(16) // 2 layers × 4 projections × (A, B)
    expect(result.state.tiedParams).toBeUndefined()
    expect(result.state.base).toEqual({ source: 'pretrain', digest: init.digest, parameters: expect.any(Number) })
    // the base inside the session after 30 steps, and the caller's arrays, are the bits it started from
    const final = spy.finalState()
    const bytesOf = (data: unknown) => Buffer.from((data as Float32Array).buffer)
    for (const spec of gptParamSpecs(gpt)) {
      expect(bytesOf(final[spec.key]?.data).equals(bytesOf(init.params[spec.key]?.data))).toBe(true)
    }
    expect(Object.keys(final).filter((k) => k.startsWith('adam.') && !k.includes('.lora_'))).toEqual([])
    expect(weightsDigest(init.params)).toBe(before)

    // the adapters merged into the base compute what base + adapters computed (1e-6 relative)
    const tokens = [Array.from(data.val.subarray(0, 32)), Array.from(data.val.subarray(32, 64))]
    const unmerged = await logitsOf(gpt, { ...init.params, ...result.state.params }, tokens, LORA)
    const merged = await logitsOf(gpt, mergeLora(init.params, result.state.params, LORA), tokens)
    expect(relativeError(merged, unmerged)).toBeLessThan(1e-6)
  })

  test('an adapter run resumed from its checkpoint on disk ends bit-identical to a straight run (dropout on)', {
    timeout: 60_000,
  }, async () => {
    const { init } = await pretrained
    const config = loraConfig(
      { max_iters: 10, lr_decay_iters: 10, eval_interval: 5, dropout: 0.1 },
      { lora_dropout: 0.1 },
    )
    const straight = await train({ config, data, outDir: join(dir, 'straight'), init })
    const ckpts = join(dir, 'head', 'checkpoints')
    await train({
      config,
      data,
      outDir: join(dir, 'head'),
      init,
      maxSteps: 4,
      checkpointer: new CheckpointManager({ dir: ckpts }),
    })
    const saved = await loadCheckpoint(join(ckpts, 'ckpt-4'))
    expect(saved.state.base?.digest).toBe(init.digest)
    const resumed = await train({ config, data, outDir: join(dir, 'tail'), init, initialState: saved.state })
    expect(bits(resumed.state).equals(bits(straight.state))).toBe(true)
    expect(resumed.steps.map((s) => s.loss)).toEqual(straight.steps.slice(4).map((s) => s.loss))
    expect(resumed.state.rng).toEqual(straight.state.rng)
  })

  test('resuming on another base is refused, naming the base the adapters were trained on', {
    timeout: 60_000,
  }, async () => {
    const { init } = await pretrained
    const config = loraConfig({ max_iters: 2, lr_decay_iters: 2, eval_interval: 2 })
    const head = await train({ config, data, outDir: join(dir, 'base-a'), init, maxSteps: 1 })
    const changed = { ...init.params, 'transformer.ln_f.bias': { shape: [32], data: new Float32Array(32).fill(0.5) } }
    const other: InitWeights = { params: changed, source: 'pretrain', digest: weightsDigest(changed) }
    await expect(
      train({ config, data, outDir: join(dir, 'base-b'), init: other, initialState: head.state }),
    ).rejects.toMatchObject({
      code: 'RESUME_BASE',
      message: expect.stringContaining(`trained on base pretrain (digest ${init.digest.slice(0, 12)}…)`),
    })
  })

  test('without init_from the base is the seed’s fresh init, rebuilt the same on resume', {
    timeout: 60_000,
  }, async () => {
    const config = loraConfig({ init_from: '', max_iters: 6, lr_decay_iters: 6, eval_interval: 6 })
    const straight = await train({ config, data, outDir: join(dir, 'rand-straight') })
    expect(straight.state.base?.source).toBe('init')
    const head = await train({ config, data, outDir: join(dir, 'rand-head'), maxSteps: 3 })
    const resumed = await train({ config, data, outDir: join(dir, 'rand-tail'), initialState: head.state })
    expect(bits(resumed.state).equals(bits(straight.state))).toBe(true)
  })

  test('an r = 4 adapter checkpoint is under 10% of the full checkpoint of the same model', {
    timeout: 60_000,
  }, async () => {
    const { init, checkpoint } = await pretrained
    const sizes: Record<string, number> = {}
    for (const targets of [['c_attn'], ['c_attn', 'c_proj', 'c_fc']] as const) {
      const out = join(dir, `size-${targets.length}`)
      await train({
        config: loraConfig({ max_iters: 2, lr_decay_iters: 2, eval_interval: 2 }, { target_modules: [...targets] }),
        data,
        outDir: out,
        init,
        checkpointer: new CheckpointManager({ dir: join(out, 'checkpoints') }),
      })
      sizes[targets.join('+')] = folderBytes(join(out, 'checkpoints', 'ckpt-2'))
    }
    const full = folderBytes(checkpoint)
    // gpt-tiny is 32 wide, so r = 4 is an eighth of it: PEFT's default target (c_attn) is well under 10%
    expect((sizes.c_attn as number) / full).toBeLessThan(0.1)
    expect((sizes['c_attn+c_proj+c_fc'] as number) / full).toBeLessThan(0.2)
  })
})

function folderBytes(path: string): number {
  return readdirSync(path).reduce((n, f) => n + statSync(join(path, f)).size, 0)
}

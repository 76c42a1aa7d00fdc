// Our Hugging Face folders and PEFT adapters load in Python's transformers and peft with the
// same logits, and theirs load in ours. Runs where python3 can import torch, transformers and
// peft (the GPU machine has them; `pip install torch transformers peft`); skipped with the
// reason elsewhere. Everything runs on the CPU, in float32.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { readHfFolder, writeHfFolder } from '../../../src/domain/pretrained/hf-folder.ts'
import { readPeftAdapter, writePeftAdapter } from '../../../src/domain/pretrained/peft-adapter.ts'
import { gelu } from '../../../src/domain/train/ir/composite.ts'
import type { Value } from '../../../src/domain/train/ir/op-types.ts'
import type { GptConfig } from '../../../src/domain/train/model/gpt.ts'
import { LORA_DEFAULTS, type LoraSettings, loraParamSpecs } from '../../../src/domain/train/model/lora.ts'
import { mergeLora } from '../../../src/domain/train/model/lora-merge.ts'
import type { TensorData } from '../../../src/domain/train/train-state.ts'
import { Prng } from '../../../src/foundation/random/prng.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { runGraph } from '../train/support/run-graph.ts'
import { logitsOf, perturbedParams, relativeError } from './support/model-fixtures.ts'

const python = spawnSync(
  'python3',
  ['-c', 'import torch, transformers, peft; print(torch.__version__, transformers.__version__, peft.__version__)'],
  {
    encoding: 'utf8',
  },
)
const versions = python.status === 0 ? python.stdout.trim() : undefined
const SKIP = 'python3 cannot import torch, transformers and peft (pip install torch transformers peft)'

const dir = tempDir('py-interop-')
const GPT: GptConfig = { vocab_size: 65, block_size: 16, n_layer: 2, n_head: 4, n_embd: 32, bias: true, dropout: 0 }
const LORA: LoraSettings = { ...LORA_DEFAULTS, r: 4, lora_alpha: 8, target_modules: ['c_attn', 'c_proj', 'c_fc'] }
const rng = Prng.fromSeed(77)
const TOKENS = Array.from({ length: 2 }, () => Array.from({ length: 16 }, () => rng.nextInt(65)))

/** The script's commands: `logits` of a transformers folder (with a PEFT adapter), `save` a random model and adapter, `gelu`. */
const SCRIPT = `
import json, sys, torch
torch.manual_seed(0)
args = json.load(open(sys.argv[1]))
out = {}
if args["op"] == "logits":
    from transformers import GPT2LMHeadModel
    model = GPT2LMHeadModel.from_pretrained(args["model"]).float().eval()
    if args.get("adapter"):
        from peft import PeftModel
        model = PeftModel.from_pretrained(model, args["adapter"]).eval()
    with torch.no_grad():
        out["logits"] = model(torch.tensor(args["tokens"])).logits.reshape(-1).tolist()
elif args["op"] == "save":
    from transformers import GPT2Config, GPT2LMHeadModel
    from peft import LoraConfig, get_peft_model
    c = args["config"]
    model = GPT2LMHeadModel(GPT2Config(vocab_size=c["vocab_size"], n_positions=c["block_size"], n_embd=c["n_embd"], n_layer=c["n_layer"], n_head=c["n_head"])).eval()
    model.save_pretrained(args["model"])
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn", "c_proj", "c_fc"], task_type="CAUSAL_LM"))
    with torch.no_grad():
        for name, p in peft_model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.1)  # PEFT starts B at zero: give the adapter something to do
    peft_model.save_pretrained(args["adapter"])
    peft_model.eval()
    with torch.no_grad():
        out["logits"] = peft_model(torch.tensor(args["tokens"])).logits.reshape(-1).tolist()
elif args["op"] == "gelu":
    from transformers.activations import ACT2FN
    x = torch.tensor(args["x"], dtype=torch.float32)
    out["gelu_new"] = ACT2FN["gelu_new"](x).tolist()
    out["gelu_tanh"] = torch.nn.functional.gelu(x, approximate="tanh").tolist()
print(json.dumps(out))
`

function py(args: Record<string, unknown>): Record<string, number[]> {
  const argsPath = join(dir, `args-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(argsPath, JSON.stringify(args))
  const run = spawnSync('python3', ['-c', SCRIPT, argsPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (run.status !== 0) throw new Error(`python3 failed:\n${run.stderr}`)
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string)
}

function trainedAdapters(seed: number): Record<string, TensorData> {
  const r = Prng.fromSeed(seed)
  const out: Record<string, TensorData> = {}
  for (const s of loraParamSpecs(GPT, LORA)) {
    out[s.key] = {
      shape: [...s.shape],
      data: Float32Array.from({ length: s.shape.reduce((a, d) => a * d, 1) }, () => (r.nextFloat() - 0.5) * 0.3),
    }
  }
  return out
}

describe(`Python interop (${versions ?? 'skipped'})`, () => {
  test('transformers loads our exported folder and gives our logits (≤ 1e-4 relative), with and without biases', {
    timeout: 300_000,
  }, async (ctx) => {
    if (!versions) ctx.skip(SKIP)
    for (const bias of [true, false]) {
      const gpt = { ...GPT, bias }
      const params = perturbedParams(gpt, 5)
      const folder = join(dir, `ours-${bias}`)
      await writeHfFolder(folder, gpt, params)
      const theirs = py({ op: 'logits', model: folder, tokens: TOKENS }).logits as number[]
      const ours = await logitsOf(gpt, params, TOKENS)
      expect(theirs).toHaveLength(ours.length)
      expect(relativeError(ours, theirs)).toBeLessThanOrEqual(1e-4)
    }
  })

  test('peft loads our adapter over that folder and gives our unmerged and merged logits (≤ 1e-4 relative)', {
    timeout: 300_000,
  }, async (ctx) => {
    if (!versions) ctx.skip(SKIP)
    const params = perturbedParams(GPT, 6)
    const adapters = trainedAdapters(7)
    const folder = join(dir, 'base-for-adapter')
    const adapterDir = join(dir, 'our-adapter')
    await writeHfFolder(folder, GPT, params)
    await writePeftAdapter(adapterDir, { lora: LORA, params: adapters, baseModel: folder })
    const theirs = py({ op: 'logits', model: folder, adapter: adapterDir, tokens: TOKENS }).logits as number[]
    const unmerged = await logitsOf(GPT, { ...params, ...adapters }, TOKENS, LORA)
    const merged = await logitsOf(GPT, mergeLora(params, adapters, LORA), TOKENS)
    expect(relativeError(unmerged, theirs)).toBeLessThanOrEqual(1e-4)
    expect(relativeError(merged, theirs)).toBeLessThanOrEqual(1e-4)
    expect(relativeError(await logitsOf(GPT, params, TOKENS), theirs)).toBeGreaterThan(1e-3) // the adapter matters
  })

  test('a model saved by transformers and an adapter saved by peft load in ours with their logits', {
    timeout: 300_000,
  }, async (ctx) => {
    if (!versions) ctx.skip(SKIP)
    const folder = join(dir, 'theirs')
    const adapterDir = join(dir, 'their-adapter')
    const theirs = py({ op: 'save', config: GPT, model: folder, adapter: adapterDir, tokens: TOKENS })
      .logits as number[]
    const model = await readHfFolder(folder)
    const adapter = await readPeftAdapter(adapterDir)
    expect(model.gpt).toEqual(GPT)
    expect(adapter.lora).toMatchObject({ r: 4, lora_alpha: 8, task_type: 'CAUSAL_LM' })
    expect(JSON.parse(readFileSync(join(adapterDir, 'adapter_config.json'), 'utf8')).fan_in_fan_out).toBe(true)
    const ours = await logitsOf(model.gpt, { ...model.params, ...adapter.params }, TOKENS, adapter.lora)
    expect(relativeError(ours, theirs)).toBeLessThanOrEqual(1e-4)
  })

  test("our GELU is transformers' gelu_new and torch's tanh GELU in float32 (≤ 1e-6)", {
    timeout: 120_000,
  }, async (ctx) => {
    if (!versions) ctx.skip(SKIP)
    const xs = Array.from({ length: 401 }, (_, i) => -10 + i / 20)
    const ref = py({ op: 'gelu', x: xs })
    const ours = await runGraph(
      [{ name: 'x', shape: [xs.length], data: xs }],
      (b, [x]) => gelu(b, x as Value),
      'float32',
    )
    for (const key of ['gelu_new', 'gelu_tanh']) {
      const worst = Math.max(...xs.map((_, i) => Math.abs((ours.data[i] as number) - (ref[key]?.[i] as number))))
      expect(worst).toBeLessThanOrEqual(1e-6)
    }
  })
})

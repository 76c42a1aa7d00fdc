import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { gptParamSpecs } from '../../domain/train/model/gpt.ts'
import { graphToOnnx, ONNX_OPSET } from '../../domain/train/onnx/graph-to-onnx.ts'
import { buildForwardGraph, IO } from '../../domain/train/train-step-graph.ts'
import { defineCommand, type OptionDefs, type OptionValues } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { exportWeights } from './export-weights.ts'
import { loadTrainedModel, tryTrainedTokenizer } from './load-trained-model.ts'

const COMMAND = 'npm run train -- export'

/** What `--format` accepts. */
export const EXPORT_FORMATS = ['onnx', 'hf', 'peft'] as const

const OPTIONS = {
  checkpoint: {
    type: 'string',
    valueName: 'dir',
    description: "a ckpt-<step> folder, a run's checkpoints/ folder or a run folder (newest checkpoint)",
  },
  model: {
    type: 'string',
    valueName: 'source',
    description: '(hf) a Hugging Face GPT-2 folder, registry:NAME, or a registry NAME',
  },
  adapter: {
    type: 'string',
    valueName: 'dir',
    description: '(hf) a PEFT LoRA adapter folder to merge into the weights',
  },
  registry: {
    type: 'string',
    valueName: 'dir',
    description: 'the model registry (default CODEX_MODELS, else .codex/models/)',
  },
  format: { type: 'string', choices: EXPORT_FORMATS, default: 'onnx', description: 'what to write' },
  out: {
    type: 'string',
    valueName: 'path',
    description: 'the .onnx file, or the folder to create (hf, peft; it must not hold files)',
  },
  batch: { type: 'integer', valueName: 'n', default: 1, description: '(onnx) sequences per call' },
  seq: {
    type: 'integer',
    valueName: 'n',
    description: '(onnx) positions per sequence, 1..block_size (default block_size)',
  },
} as const satisfies OptionDefs

/** `npm run train -- export`: a checkpoint as a self-contained ONNX inference model, a Hugging Face folder or a PEFT adapter. */
export const exportCommand = defineCommand({
  name: 'export',
  summary: 'a checkpoint as an ONNX model, a Hugging Face GPT-2 folder or a PEFT adapter',
  description: `--format onnx (default) writes an ONNX inference model (opset ${ONNX_OPSET}) of a trained GPT with its weights inside:
input "${IO.evalTokens}" int32 [batch, seq] → output "${IO.logits}" float32 [batch, seq, vocab].
Shapes are static. Attention is causal, so a prompt shorter than seq can be padded with any
id after its end: logits at position t depend on tokens 0..t only. The model's metadata holds
the training config, the checkpoint step and the character tokenizer (when its corpus is found).

--format hf writes a folder in Hugging Face's GPT-2 layout (config.json + model.safetensors:
Conv1D weights stored [in, out], lm_head tied, activation gelu_new, which is the GPT's tanh GELU)
that GPT2LMHeadModel.from_pretrained loads; the source is a checkpoint or --model (a Hugging
Face folder or a registry model: the import/export round trip), with --adapter (a PEFT LoRA
folder) merged in. A LoRA run's checkpoint is exported merged into its base.

--format peft writes a LoRA run's adapter as PeftModel.from_pretrained loads it
(adapter_config.json + adapter_model.safetensors, keys base_model.model.…lora_A.weight).`,
  options: OPTIONS,
  examples: [
    '--checkpoint runs/gpt-tiny-<timestamp> --out model.onnx',
    '--format hf --checkpoint runs/gpt-tiny-<timestamp> --out exports/gpt-tiny',
    '--format hf --model registry:NAME --adapter runs/<lora-run>/adapter --out DIR',
    '--format peft --checkpoint runs/<lora-run> --out exports/adapter',
  ],
  run: ({ options, io }) =>
    options.format === 'onnx' ? exportOnnx(options, io) : exportWeights(options.format as 'hf' | 'peft', options, io),
})

// --- internal ---

/** `--format onnx`: the forward graph with the checkpoint's weights inside, written atomically. */
async function exportOnnx(values: OptionValues<typeof OPTIONS>, io: Io): Promise<number> {
  for (const flag of ['model', 'adapter'] as const) {
    if (values[flag] !== undefined) {
      throw new UserError(
        'BAD_FLAG',
        `--${flag} goes with --format hf`,
        `e.g. ${COMMAND} --format hf --${flag} … --out DIR`,
      )
    }
  }
  if (!values.checkpoint || !values.out) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND}: --checkpoint and --out are required`,
      `e.g. ${COMMAND} --checkpoint runs/gpt-tiny-<timestamp> --out model.onnx`,
    )
  }
  checkOutFile(values.out)
  const model = await loadTrainedModel(values.checkpoint, '--checkpoint', values.registry)
  const blockSize = model.gpt.block_size
  const batch = values.batch
  const seq = values.seq ?? blockSize
  if (batch < 1) throw new UserError('BAD_FLAG', `--batch must be at least 1, got ${batch}`, 'e.g. --batch 1')
  if (seq < 1 || seq > blockSize) {
    throw new UserError(
      'BAD_FLAG',
      `--seq must be in 1..${blockSize} (the model's block_size), got ${seq}`,
      `e.g. --seq ${blockSize}`,
    )
  }
  const graph = buildForwardGraph(model.gpt, batch, seq)
  const embed: Record<string, { shape: number[]; data: Float32Array }> = {}
  for (const spec of gptParamSpecs(model.gpt)) {
    const tensor = model.params[spec.key]
    if (!tensor)
      throw new UserError(
        'CHECKPOINT_CONFIG',
        `${model.path}: no weights for ${spec.key}`,
        'load a checkpoint of this model',
      )
    embed[spec.key] = tensor
  }
  const tokenizer = tryTrainedTokenizer(model)
  const metadata: Record<string, string> = {
    source_checkpoint: model.path,
    step: String(model.step),
    config: JSON.stringify(model.config),
    gpt: JSON.stringify(model.gpt),
  }
  if ('reason' in tokenizer) io.stderr(`note: tokenizer not embedded: ${tokenizer.reason}\n`)
  else metadata.tokenizer = JSON.stringify(tokenizer.toJSON())
  const bytes = graphToOnnx(graph, {
    name: 'gpt',
    embed,
    metadata,
    docString: 'nanoGPT-layout GPT exported by codex-gates',
  })
  writeFileAtomic(values.out, bytes)
  io.stdout(
    `wrote ${values.out} (${(bytes.length / 1e6).toFixed(2)} MB, opset ${ONNX_OPSET}): ${IO.evalTokens} int32 [${batch},${seq}] → ${IO.logits} float32 [${batch},${seq},${model.gpt.vocab_size}] from ${model.path} (step ${model.step})\n`,
  )
  return 0
}

/** `--out` must name a file in an existing folder: checked before the model is loaded and built. */
function checkOutFile(out: string): void {
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UserError(
      'BAD_FLAG',
      `--out ${out} is a folder; it takes the path of the .onnx file to write`,
      `e.g. --out ${join(out, 'model.onnx')}`,
    )
  }
  const dir = dirname(resolve(out))
  if (!existsSync(dir)) {
    throw new UserError(
      'BAD_FLAG',
      `--out ${out}: the folder ${dirname(out)} does not exist`,
      `create it first (mkdir -p ${dirname(out)}) or write into an existing folder`,
    )
  }
  if (!statSync(dir).isDirectory()) {
    throw new UserError(
      'BAD_FLAG',
      `--out ${out}: ${dirname(out)} is a file, not a folder`,
      'pick another path for --out',
    )
  }
}

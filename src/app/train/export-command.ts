import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { gptParamSpecs } from '../../domain/train/model/gpt.ts'
import { graphToOnnx, ONNX_OPSET } from '../../domain/train/onnx/graph-to-onnx.ts'
import { buildForwardGraph, IO } from '../../domain/train/train-step-graph.ts'
import { intFlag, parseArgs } from '../../foundation/cli/parse-args.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { exportWeights } from './export-weights.ts'
import { loadTrainedModel, tryTrainedTokenizer } from './load-trained-model.ts'
import { type CliIo, STDIO } from './train-command.ts'

const COMMAND = 'npm run train -- export'

/** What `--format` accepts. */
export const EXPORT_FORMATS = ['onnx', 'hf', 'peft'] as const

export const EXPORT_HELP = `usage: ${COMMAND} --checkpoint DIR --out FILE.onnx [--batch N] [--seq N]
       ${COMMAND} --format hf (--checkpoint DIR | --model SOURCE) [--adapter DIR] --out DIR
       ${COMMAND} --format peft --checkpoint DIR --out DIR

--format onnx (default) writes an ONNX inference model (opset ${ONNX_OPSET}) of a trained GPT with its weights inside:
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
(adapter_config.json + adapter_model.safetensors, keys base_model.model.…lora_A.weight).

options:
  --checkpoint DIR  a ckpt-<step> folder, a run's checkpoints/ folder or a run folder (newest checkpoint)
  --model SOURCE    (hf) a Hugging Face GPT-2 folder, registry:NAME, or a registry NAME
  --adapter DIR     (hf) a PEFT LoRA adapter folder to merge into the weights
  --registry DIR    the model registry (default CODEX_MODELS, else .codex/models/)
  --format F        onnx | hf | peft (default onnx)
  --out PATH        the .onnx file, or the folder to create (hf, peft; it must not hold files)
  --batch N         (onnx) sequences per call (default 1)
  --seq N           (onnx) positions per sequence, 1..block_size (default block_size)
  -h, --help        this text
`

/** `npm run train -- export`: a checkpoint as a self-contained ONNX inference model, a Hugging Face folder or a PEFT adapter. */
export async function exportCommand(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    {
      checkpoint: { type: 'string' },
      out: { type: 'string' },
      batch: { type: 'string' },
      seq: { type: 'string' },
      format: { type: 'string' },
      model: { type: 'string' },
      adapter: { type: 'string' },
      registry: { type: 'string' },
    },
    COMMAND,
  )
  if (values.help) {
    io.out(EXPORT_HELP)
    return 0
  }
  const format = values.format ?? 'onnx'
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UserError('BAD_FLAG', `--format ${format} is not a format`, `choose one of: ${EXPORT_FORMATS.join(', ')}`)
  }
  if (format !== 'onnx') {
    if (positionals.length > 0) {
      throw new UserError(
        'BAD_USAGE',
        `${COMMAND}: unexpected argument "${positionals[0]}"`,
        `see \`${COMMAND} --help\``,
      )
    }
    return exportWeights(format as 'hf' | 'peft', values, io)
  }
  for (const flag of ['model', 'adapter'] as const) {
    if (values[flag] !== undefined) {
      throw new UserError(
        'BAD_FLAG',
        `--${flag} goes with --format hf`,
        `e.g. ${COMMAND} --format hf --${flag} … --out DIR`,
      )
    }
  }
  if (positionals.length > 0) {
    throw new UserError('BAD_USAGE', `${COMMAND}: unexpected argument "${positionals[0]}"`, `see \`${COMMAND} --help\``)
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
  const batch = intFlag(values.batch, '--batch', 1)
  const seq = intFlag(values.seq, '--seq', blockSize)
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
  if ('reason' in tokenizer) io.err(`note: tokenizer not embedded: ${tokenizer.reason}`)
  else metadata.tokenizer = JSON.stringify(tokenizer.toJSON())
  const bytes = graphToOnnx(graph, {
    name: 'gpt',
    embed,
    metadata,
    docString: 'nanoGPT-layout GPT exported by codex-gates',
  })
  writeFileAtomic(values.out, bytes)
  io.out(
    `wrote ${values.out} (${(bytes.length / 1e6).toFixed(2)} MB, opset ${ONNX_OPSET}): ${IO.evalTokens} int32 [${batch},${seq}] → ${IO.logits} float32 [${batch},${seq},${model.gpt.vocab_size}] from ${model.path} (step ${model.step})`,
  )
  return 0
}

// --- internal ---

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

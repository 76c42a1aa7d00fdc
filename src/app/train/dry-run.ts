import { evalBatches } from '../../domain/train/batches.ts'
import type { LoadedTrainConfig } from '../../domain/train/config/load-train-config.ts'
import { executorThreads } from '../../domain/train/config/train-config.ts'
import { BACKEND_DEPENDENCIES } from '../../domain/train/executor.ts'
import { flopsPerToken, matmulFlops } from '../../domain/train/flops.ts'
import { checkFitsMemory, machineMemory, programEstimate, stateEstimate } from '../../domain/train/memory-estimate.ts'
import { countParams } from '../../domain/train/model/gpt.ts'
import { loadTextData } from '../../domain/train/text-data.ts'
import { buildTrainProgram, EVAL_GRAPH, STEP_GRAPH } from '../../domain/train/train-step-graph.ts'
import { trainStepSpec } from '../../domain/train/train-step-spec.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { parameterLine } from './parameter-line.ts'
import { startingWeights } from './starting-weights.ts'

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/**
 * `--dry-run`: validates the config, reads and tokenizes the data, builds the step and eval
 * graphs (every shape inferred) and prints the plan. Trains nothing, writes nothing, and loads
 * no optional dependency (an ort backend is only named).
 */
export async function printPlan(
  given: LoadedTrainConfig,
  io: Io,
  options: { resumeFrom?: string; maxSteps?: number; registry?: string } = {},
): Promise<number> {
  const data = loadTextData(given.config.dataset, given.config.val_fraction, given.config.block_size)
  const start = await startingWeights(given, data.tokenizer.vocabSize, options.registry, io)
  const { loaded } = start
  const { config } = loaded
  const spec = trainStepSpec(config, data.tokenizer.vocabSize)
  const evalSet = evalBatches(data.val, config.block_size, spec.evalBatchSize, config.eval_iters)
  const built = buildTrainProgram(spec)
  const step = built.program.graphs[STEP_GRAPH]
  const evalGraph = built.program.graphs[EVAL_GRAPH]
  if (!step || !evalGraph) throw new Error('BUG: training program without step or eval graph')
  const memory = programEstimate(spec.model, built, spec.lora)
  const machine = machineMemory()
  const tokensPerStep = config.batch_size * config.block_size * config.gradient_accumulation_steps
  const steps = Math.min(config.max_iters, options.maxSteps ?? Number.POSITIVE_INFINITY)
  const m = spec.model
  const deps = BACKEND_DEPENDENCIES[config.backend]
  const lines = [
    `plan for ${loaded.path} (config hash ${loaded.hash.slice(0, 12)}…)`,
    `  model         gpt: n_layer ${m.n_layer}, n_head ${m.n_head}, n_embd ${m.n_embd}, block_size ${m.block_size}, bias ${m.bias}, dropout ${m.dropout}`,
    `  vocabulary    ${m.vocab_size} (${data.tokenizer.id} over ${data.path})`,
    `  data          train ${fmt(data.train.length)} tokens, val ${fmt(data.val.length)} tokens; eval: ${evalSet.length} batches of ${spec.evalBatchSize}×${config.block_size}`,
    `  parameters    ${config.lora ? parameterLine(built) : `${fmt(countParams(m, false))} (${fmt(countParams(m, true))} without position embeddings)`}`,
    `  init          ${start.init ? `${start.init.source}${start.registryName ? ` (registry model ${start.registryName})` : ''}, digest ${start.init.digest.slice(0, 12)}…` : 'fresh, from the seed'}`,
    ...(config.lora
      ? [
          `  lora          r ${config.lora.r}, alpha ${config.lora.lora_alpha} (scale ${config.lora.lora_alpha / config.lora.r}), dropout ${config.lora.lora_dropout}, targets ${config.lora.target_modules.join(', ')}, task ${config.lora.task_type}; base frozen`,
        ]
      : []),
    `  FLOPs/token   ${fmt(flopsPerToken(m))} (nanoGPT's 6N + 12·L·H·Q·T, forward + backward); step graph matmuls: ${fmt(matmulFlops(step) / tokensPerStep)}`,
    `  step          ${config.batch_size}×${config.block_size} tokens × ${config.gradient_accumulation_steps} micro-batch(es) = ${fmt(tokensPerStep)} tokens; ${fmt(steps)} steps = ${fmt(steps * tokensPerStep)} tokens`,
    `  optimizer     AdamW lr ${config.learning_rate} → ${config.min_lr} (warmup ${config.warmup_iters}, decay to ${config.lr_decay_iters}${config.decay_lr ? '' : ', off'}), betas (${config.beta1}, ${config.beta2}), weight decay ${config.weight_decay} on ${built.params.filter((p) => p.decay).length} of ${built.params.length} tensors, clip ${config.grad_clip || 'off'}`,
    `  graphs        step ${fmt(step.nodes.length)} nodes, eval ${fmt(evalGraph.nodes.length)} nodes`,
    `  memory (ts)   ${mb(memory.bufferBytes)} of buffers + ${mb(memory.stateBytes)} of parameters and moments = ${mb(memory.totalBytes)}; this machine has ${mb(machine.bytes)} (${machine.source})`,
    `  backend       ${config.backend}, ${executorThreads(config)} thread(s)${deps.length > 0 ? ` (needs ${deps.join(', ')}; not loaded in a dry run)` : ''}`,
    `  out_dir       ${config.out_dir ?? `runs/${loaded.name}-<timestamp>/`}`,
    ...(options.resumeFrom ? [`  resume        from ${options.resumeFrom} (not read in a dry run)`] : []),
    'dry run: nothing was trained or written',
  ]
  for (const line of lines) io.stdout(`${line}\n`)
  // The plan is printed either way; a run that cannot fit is refused here as the real run would.
  checkFitsMemory(config, config.backend === 'ort-webgpu' ? stateEstimate(spec.model, spec.lora) : memory, machine)
  return 0
}

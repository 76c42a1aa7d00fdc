import { loadTrainConfig } from '../../domain/train/config/load-train-config.ts'
import type { TrainConfig } from '../../domain/train/config/train-config.ts'
import { type CliIo, STDIO } from '../../foundation/cli/cli-io.ts'
import { intFlag, type OptionSpec, parseArgs } from '../../foundation/cli/parse-args.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { printPlan } from './dry-run.ts'
import { runTraining } from './run-training.ts'

/** Where a command writes: lines to stdout and stderr (specs capture them). */
export { type CliIo, STDIO }

export const COMMAND = 'npm run train --'

export const TRAIN_HELP = `usage: npm run train -- --config configs/train/<name>.json [options]
       npm run train -- sweep --config <file> --grid key=v1,v2 [--grid …] [--run]
       npm run train -- export --checkpoint DIR --out FILE.onnx | --format hf|peft --out DIR
       npm run train -- sample --checkpoint DIR [--prompt TEXT]
       npm run train -- import DIR [--name NAME]          (= registry add)
       npm run train -- registry list|add|verify

Trains the nanoGPT-compatible GPT a config describes. Writes <out_dir>/metrics.ndjson (every
step), <out_dir>/checkpoints/ckpt-<step>/, <out_dir>/system_metrics.jsonl, and the run with its
metrics into the ledger (CODEX_LEDGER, default .codex/session_logs.db).

options:
  --config FILE             training config (configs/train/*.json; schema configs/schemas/train.schema.json)
  --set KEY=VALUE           override one config key, typed by the schema (repeatable)
  --seed N                  override the seed (init, batch order and dropout derive from it)
  --backend NAME            ts | ort-cpu | ort-webgpu (ort-* need onnxruntime-node)
  --init-from SOURCE        start from pretrained weights (config key init_from): a local folder in
                            Hugging Face's GPT-2 layout (config.json + model.safetensors),
                            registry:NAME, or NAME of a registry model when no such folder exists.
                            Never downloaded: a Hub name like gpt2 exits 2 saying where to put the
                            files. n_layer, n_head, n_embd and bias come from the model; a smaller
                            block_size crops its positions. With a "lora" section in the config only
                            the adapters train (the base stays frozen and out of the checkpoints)
                            and <out_dir>/adapter/ gets them in PEFT's format.
  --registry DIR            the model registry (default CODEX_MODELS, else .codex/models/)
  --resume-from DIR|latest  continue exactly from a checkpoint: a ckpt-<step> folder, a run folder,
                            or latest (the newest valid checkpoint of out_dir, else of the newest run)
  --allow-config-change     resume although the config hash differs (recorded in the ledger)
  --max-steps N             stop once the global step reaches N (the LR schedule still follows
                            max_iters); a checkpoint is saved
  --dry-run                 validate config, data and shapes and print the plan; trains nothing and
                            loads no optional dependency
  --system-metrics MODE     off | cpu | gpu (gpu adds readings from nvidia-smi)
  -h, --help                this text

A checkpoint records val/loss only when an eval ran at its step (every eval_interval steps and
at max_iters); keep_best ranks those alone, so make checkpoint_every a multiple of eval_interval
to rank every checkpoint.

Ctrl-C, SIGTERM, SIGHUP (a closed terminal) or the end of the process that started the trainer
finish the current step, save a checkpoint and exit 130; a second Ctrl-C a second later quits at
once. One trainer per run folder: it holds <out_dir>/train.lock, another exits 2 naming its pid,
and a lock left by a trainer that died is taken over. A config that cannot fit this machine's
memory is refused before anything is allocated (--dry-run prints the estimate).
exit codes: 0 done, 1 failed, 2 bad usage or input, 130 interrupted
`

export const TRAIN_OPTIONS = {
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
  seed: { type: 'string' },
  backend: { type: 'string' },
  'resume-from': { type: 'string' },
  'allow-config-change': { type: 'boolean' },
  'max-steps': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'system-metrics': { type: 'string' },
  'init-from': { type: 'string' },
  registry: { type: 'string' },
} satisfies OptionSpec

/** Config values given as dedicated flags; they apply after `--set` and are validated by the schema. */
export function flagOverrides(values: {
  seed?: string
  backend?: string
  'system-metrics'?: string
  'init-from'?: string
}): Partial<TrainConfig> {
  const flags: Partial<TrainConfig> = {}
  if (values['init-from'] !== undefined) flags.init_from = values['init-from']
  if (values.seed !== undefined) flags.seed = intFlag(values.seed, '--seed', 0)
  if (values.backend !== undefined) flags.backend = values.backend as TrainConfig['backend']
  if (values['system-metrics'] !== undefined) {
    flags.system_metrics = values['system-metrics'] as TrainConfig['system_metrics']
  }
  return flags
}

/** `npm run train -- --config …`: validates, then plans (--dry-run) or trains. */
export async function trainCommand(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { values, positionals } = parseArgs(argv, TRAIN_OPTIONS, COMMAND)
  if (values.help) {
    io.out(TRAIN_HELP)
    return 0
  }
  if (positionals.length > 0) {
    throw new UserError(
      'BAD_USAGE',
      `${COMMAND}: unexpected argument "${positionals[0]}"`,
      'subcommands: sweep, export, sample, import, registry (each takes --help); to train pass --config configs/train/<name>.json',
    )
  }
  if (!values.config) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND}: --config is required`,
      'e.g. npm run train -- --config configs/train/gpt-tiny.json (see --help)',
    )
  }
  const maxSteps = values['max-steps'] === undefined ? undefined : intFlag(values['max-steps'], '--max-steps', 0)
  const loaded = loadTrainConfig(values.config, values.set ?? [], flagOverrides(values))
  if (values['dry-run']) {
    return printPlan(loaded, io, { resumeFrom: values['resume-from'], maxSteps, registry: values.registry })
  }
  return runTraining(
    loaded,
    {
      argv,
      resumeFrom: values['resume-from'],
      allowConfigChange: values['allow-config-change'] ?? false,
      maxSteps,
      registry: values.registry,
    },
    io,
  )
}

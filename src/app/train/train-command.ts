import type { TrainConfig } from '../../domain/train/config/train-config.ts'
import { BACKENDS } from '../../domain/train/executor-types.ts'
import { defineCommand, type OptionDefs } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'

/** How users type the train CLI: the prefix of its messages and of its subcommands' paths. */
export const COMMAND = 'npm run train --'

/** The options a training run and a sweep share: the config and what overrides it. */
export const RUN_OPTIONS = {
  config: {
    type: 'string',
    valueName: 'file',
    description: 'training config (configs/train/*.json; schema configs/schemas/train.schema.json)',
  },
  set: {
    type: 'string',
    multiple: true,
    valueName: 'key=value',
    description: 'override one config key, typed by the schema',
  },
  seed: {
    type: 'integer',
    valueName: 'n',
    description: 'override the seed (init, batch order and dropout derive from it)',
  },
  backend: { type: 'string', choices: BACKENDS, description: 'the executor (ort-* need onnxruntime-node)' },
  'system-metrics': {
    type: 'string',
    choices: ['off', 'cpu', 'gpu'],
    description: 'sample system metrics (gpu adds readings from nvidia-smi)',
  },
  'max-steps': {
    type: 'integer',
    valueName: 'n',
    description: 'stop once the global step reaches N (the LR schedule still follows max_iters); a checkpoint is saved',
  },
} as const satisfies OptionDefs

/** Config values given as dedicated flags; they apply after `--set` and are validated by the schema. */
export function flagOverrides(values: {
  seed?: number
  backend?: string
  'system-metrics'?: string
  'init-from'?: string
}): Partial<TrainConfig> {
  const flags: Partial<TrainConfig> = {}
  if (values['init-from'] !== undefined) flags.init_from = values['init-from']
  if (values.seed !== undefined) flags.seed = values.seed
  if (values.backend !== undefined) flags.backend = values.backend as TrainConfig['backend']
  if (values['system-metrics'] !== undefined) {
    flags.system_metrics = values['system-metrics'] as TrainConfig['system_metrics']
  }
  return flags
}

/** `npm run train -- --config …`: validates, then plans (--dry-run) or trains. */
export const trainCommand = defineCommand({
  name: COMMAND,
  summary: 'train the nanoGPT-compatible GPT a config describes',
  description: `Writes <out_dir>/metrics.ndjson (every step), <out_dir>/checkpoints/ckpt-<step>/,
<out_dir>/system_metrics.jsonl, and the run with its metrics into the ledger (CODEX_LEDGER,
default .codex/session_logs.db).

--init-from takes a local folder in Hugging Face's GPT-2 layout (config.json +
model.safetensors), registry:NAME, or NAME of a registry model when no such folder exists. Never
downloaded: a Hub name like gpt2 exits 2 saying where to put the files. n_layer, n_head, n_embd
and bias come from the model; a smaller block_size crops its positions. With a "lora" section in
the config only the adapters train (the base stays frozen and out of the checkpoints) and
<out_dir>/adapter/ gets them in PEFT's format.

--resume-from takes a ckpt-<step> folder, a run folder, or latest (the newest valid checkpoint of
out_dir, else of the newest run).

A checkpoint records val/loss only when an eval ran at its step (every eval_interval steps and
at max_iters); keep_best ranks those alone, so make checkpoint_every a multiple of eval_interval
to rank every checkpoint.

Ctrl-C, SIGTERM, SIGHUP (a closed terminal) or the end of the process that started the trainer
finish the current step, save a checkpoint and exit 130; a second Ctrl-C a second later quits at
once. One trainer per run folder: it holds <out_dir>/train.lock, another exits 2 naming its pid,
and a lock left by a trainer that died is taken over. A config that cannot fit this machine's
memory is refused before anything is allocated (--dry-run prints the estimate).
exit codes: 0 done, 1 failed, 2 bad usage or input, 130 interrupted`,
  options: {
    ...RUN_OPTIONS,
    'init-from': {
      type: 'string',
      valueName: 'source',
      description:
        'start from pretrained weights (config key init_from): a Hugging Face GPT-2 folder, registry:NAME or NAME',
    },
    registry: {
      type: 'string',
      valueName: 'dir',
      description: 'the model registry (default CODEX_MODELS, else .codex/models/)',
    },
    'resume-from': {
      type: 'string',
      valueName: 'DIR|latest',
      description: 'continue exactly from a checkpoint, a run folder, or the latest one',
    },
    'allow-config-change': {
      type: 'boolean',
      description: 'resume although the config hash differs (recorded in the ledger)',
    },
    'dry-run': {
      type: 'boolean',
      description:
        'validate config, data and shapes and print the plan; trains nothing and loads no optional dependency',
    },
  },
  examples: [
    '--config configs/train/gpt-tiny.json',
    '--config configs/train/gpt-tiny.json --dry-run --set n_layer=4',
    '--config configs/train/gpt-tiny.json --max-steps 100 --resume-from latest',
    'sweep --config configs/train/gpt-tiny.json --grid learning_rate=1e-3,3e-3',
  ],
  run: async ({ options, argv, io, path }) => {
    if (!options.config) {
      throw new UserError(
        'BAD_FLAG',
        `${path}: --config is required`,
        'e.g. npm run train -- --config configs/train/gpt-tiny.json (see --help)',
      )
    }
    // Loaded here, not at the top: `--help` and every subcommand start without the trainer (~0.5 s).
    const [{ loadTrainConfig }, { printPlan }, { runTraining }] = await Promise.all([
      import('../../domain/train/config/load-train-config.ts'),
      import('./dry-run.ts'),
      import('./run-training.ts'),
    ])
    const loaded = loadTrainConfig(options.config, options.set, flagOverrides(options))
    const registry = options.registry
    const maxSteps = options['max-steps']
    if (options['dry-run']) {
      return printPlan(loaded, io, { resumeFrom: options['resume-from'], maxSteps, registry })
    }
    return runTraining(
      loaded,
      {
        argv,
        resumeFrom: options['resume-from'],
        allowConfigChange: options['allow-config-change'] === true,
        maxSteps,
        registry,
      },
      io,
    )
  },
})

import { resolveExecutor } from '../../domain/train/executor.ts'
import { Generator } from '../../domain/train/generate.ts'
import { intFlag, parseArgs } from '../../foundation/cli/parse-args.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { loadTrainedModel, trainedTokenizer } from './load-trained-model.ts'
import { type CliIo, STDIO } from './train-command.ts'

const COMMAND = 'npm run train -- sample'

/** nanoGPT sample.py's defaults, except the shorter output. */
const DEFAULTS = { maxNewTokens: 200, temperature: 0.8, topK: 200, seed: 1337, samples: 1 }

export const SAMPLE_HELP = `usage: ${COMMAND} --checkpoint DIR [--prompt TEXT] [options]

Generates text with a trained GPT (nanoGPT's sample.py): the prompt, then up to
--max-new-tokens characters, each drawn from softmax(logits / temperature) over the top k.
A LoRA run's checkpoint samples with its adapters merged into its base.

options:
  --checkpoint DIR      a ckpt-<step> folder, a run's checkpoints/ folder or a run folder (newest checkpoint)
  --prompt TEXT         the start of the text (default: a newline)
  --max-new-tokens N    tokens to generate (default ${DEFAULTS.maxNewTokens})
  --temperature X       > 0 samples, 0 is greedy (default ${DEFAULTS.temperature})
  --top-k N             keep the k most likely tokens; 0 keeps all (default ${DEFAULTS.topK})
  --seed N              sampling seed: the same seed gives the same text (default ${DEFAULTS.seed})
  --num-samples N       texts to generate, seeds N, N+1, … (default ${DEFAULTS.samples})
  --backend NAME        ts | ort-cpu | ort-webgpu (default ts)
  --registry DIR        the model registry a LoRA run's base is read from (default CODEX_MODELS, else .codex/models/)
  -h, --help            this text
`

/** `npm run train -- sample`: text from a checkpoint, seeded. */
export async function sampleCommand(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    {
      checkpoint: { type: 'string' },
      prompt: { type: 'string' },
      'max-new-tokens': { type: 'string' },
      temperature: { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
      'num-samples': { type: 'string' },
      backend: { type: 'string' },
      registry: { type: 'string' },
    },
    COMMAND,
  )
  if (values.help) {
    io.out(SAMPLE_HELP)
    return 0
  }
  if (positionals.length > 0) {
    throw new UserError(
      'BAD_USAGE',
      `${COMMAND}: unexpected argument "${positionals[0]}"`,
      'quote the prompt: --prompt "Once upon"',
    )
  }
  if (!values.checkpoint) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND}: --checkpoint is required`,
      `e.g. ${COMMAND} --checkpoint runs/gpt-tiny-<timestamp> --prompt "The fox"`,
    )
  }
  const maxNewTokens = intFlag(values['max-new-tokens'], '--max-new-tokens', DEFAULTS.maxNewTokens)
  const topK = intFlag(values['top-k'], '--top-k', DEFAULTS.topK)
  const seed = intFlag(values.seed, '--seed', DEFAULTS.seed)
  const samples = intFlag(values['num-samples'], '--num-samples', DEFAULTS.samples)
  const temperature = values.temperature === undefined ? DEFAULTS.temperature : Number(values.temperature)
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new UserError(
      'BAD_FLAG',
      `--temperature must be a number ≥ 0, got "${values.temperature}"`,
      'e.g. --temperature 0.8 (0 is greedy)',
    )
  }
  const model = await loadTrainedModel(values.checkpoint, '--checkpoint', values.registry)
  const tokenizer = trainedTokenizer(model)
  const prompt = tokenizer.encode(values.prompt ?? '\n')
  if (prompt.length === 0)
    throw new UserError('BAD_FLAG', '--prompt is empty', 'give at least one character, e.g. --prompt "The"')
  const executor = await resolveExecutor(values.backend ?? 'ts')
  const generator = await Generator.create(executor, model.gpt, model.params)
  try {
    for (let i = 0; i < samples; i++) {
      const ids = await generator.generate(prompt, {
        maxNewTokens,
        temperature,
        topK: topK > 0 ? topK : undefined,
        seed: seed + i,
      })
      if (i > 0) io.out('---------------')
      io.out(tokenizer.decode(ids))
    }
  } finally {
    await generator.dispose()
  }
  return 0
}

import { resolveExecutor } from '../../domain/train/executor.ts'
import { BACKENDS } from '../../domain/train/executor-types.ts'
import { Generator } from '../../domain/train/generate.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { loadTrainedModel, trainedTokenizer } from './load-trained-model.ts'

const COMMAND = 'npm run train -- sample'

/** nanoGPT sample.py's defaults, except the shorter output. */
const DEFAULTS = { maxNewTokens: 200, temperature: 0.8, topK: 200, seed: 1337, samples: 1 }

/** `npm run train -- sample`: text from a checkpoint, seeded. */
export const sampleCommand = defineCommand({
  name: 'sample',
  summary: 'generate text with a trained GPT (nanoGPT sample.py)',
  description: `Generates text with a trained GPT (nanoGPT's sample.py): the prompt, then up to
--max-new-tokens characters, each drawn from softmax(logits / temperature) over the top k.
A LoRA run's checkpoint samples with its adapters merged into its base.`,
  options: {
    checkpoint: {
      type: 'string',
      valueName: 'dir',
      description: "a ckpt-<step> folder, a run's checkpoints/ folder or a run folder (newest checkpoint)",
    },
    prompt: { type: 'string', valueName: 'text', description: 'the start of the text (default: a newline)' },
    'max-new-tokens': {
      type: 'integer',
      valueName: 'n',
      default: DEFAULTS.maxNewTokens,
      description: 'tokens to generate',
    },
    temperature: {
      type: 'number',
      valueName: 'x',
      default: DEFAULTS.temperature,
      description: '> 0 samples, 0 is greedy',
    },
    'top-k': {
      type: 'integer',
      valueName: 'n',
      default: DEFAULTS.topK,
      description: 'keep the k most likely tokens; 0 keeps all',
    },
    seed: {
      type: 'integer',
      valueName: 'n',
      default: DEFAULTS.seed,
      description: 'sampling seed: the same seed gives the same text',
    },
    'num-samples': {
      type: 'integer',
      valueName: 'n',
      default: DEFAULTS.samples,
      description: 'texts to generate, seeds N, N+1, …',
    },
    backend: { type: 'string', choices: BACKENDS, default: 'ts', description: 'the executor' },
    registry: {
      type: 'string',
      valueName: 'dir',
      description: "the model registry a LoRA run's base is read from (default CODEX_MODELS, else .codex/models/)",
    },
  },
  examples: ['--checkpoint runs/gpt-tiny-<timestamp> --prompt "The fox" --num-samples 3'],
  run: async ({ options: values, io }) => {
    if (!values.checkpoint) {
      throw new UserError(
        'BAD_FLAG',
        `${COMMAND}: --checkpoint is required`,
        `e.g. ${COMMAND} --checkpoint runs/gpt-tiny-<timestamp> --prompt "The fox"`,
      )
    }
    const { temperature, seed } = values
    if (temperature < 0) {
      throw new UserError(
        'BAD_FLAG',
        `--temperature must be a number ≥ 0, got "${temperature}"`,
        'e.g. --temperature 0.8 (0 is greedy)',
      )
    }
    const model = await loadTrainedModel(values.checkpoint, '--checkpoint', values.registry)
    const tokenizer = trainedTokenizer(model)
    const prompt = tokenizer.encode(values.prompt ?? '\n')
    if (prompt.length === 0)
      throw new UserError('BAD_FLAG', '--prompt is empty', 'give at least one character, e.g. --prompt "The"')
    const executor = await resolveExecutor(values.backend)
    const generator = await Generator.create(executor, model.gpt, model.params)
    try {
      for (let i = 0; i < values['num-samples']; i++) {
        const ids = await generator.generate(prompt, {
          maxNewTokens: values['max-new-tokens'],
          temperature,
          topK: values['top-k'] > 0 ? values['top-k'] : undefined,
          seed: seed + i,
        })
        if (i > 0) io.stdout(`---------------\n`)
        io.stdout(`${tokenizer.decode(ids)}\n`)
      }
    } finally {
      await generator.dispose()
    }
    return 0
  },
})

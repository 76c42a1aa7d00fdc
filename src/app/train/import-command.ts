import { defineCommand } from '../../foundation/cli/define-command.ts'
import { ADD_OPTIONS, addModel } from './registry-command.ts'

/** `npm run train -- import DIR`: a Hugging Face GPT-2 folder into the model registry. */
export const importCommand = defineCommand({
  name: 'import',
  summary: 'a Hugging Face GPT-2 folder into the model registry (= registry add)',
  description: `Imports a local folder in Hugging Face's GPT-2 layout (config.json + model.safetensors, Conv1D
weights stored [in, out], keys with or without the "transformer." prefix, lm_head tied) into
the model registry, after reading all of it: a config the GPT cannot compute (another
activation, rotary positions, scale_attn_by_inverse_layer_idx, reorder_and_upcast_attn, …) is
refused by name. The same as \`npm run train -- registry add DIR\`. Nothing is downloaded.

Its counterpart writes the folder back: npm run train -- export --format hf --model registry:NAME --out DIR
(the tensors come out byte-identical). Train from it with --init-from registry:NAME.`,
  options: ADD_OPTIONS,
  positionals: [{ name: 'dir', description: "a folder in Hugging Face's GPT-2 layout", required: true }],
  examples: ['models/gpt2 --name gpt2-small'],
  run: ({ options, positionals, io }) => addModel(positionals[0] as string, options, io),
})

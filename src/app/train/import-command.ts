import { type CliIo, STDIO } from '../../foundation/cli/cli-io.ts'
import { parseArgs } from '../../foundation/cli/parse-args.ts'
import { addModel } from './registry-command.ts'

const COMMAND = 'npm run train -- import'

export const IMPORT_HELP = `usage: ${COMMAND} DIR [--name NAME] [--replace] [--registry DIR]

Imports a local folder in Hugging Face's GPT-2 layout (config.json + model.safetensors, Conv1D
weights stored [in, out], keys with or without the "transformer." prefix, lm_head tied) into
the model registry, after reading all of it: a config the GPT cannot compute (another
activation, rotary positions, scale_attn_by_inverse_layer_idx, reorder_and_upcast_attn, …) is
refused by name. The same as \`npm run train -- registry add DIR\`. Nothing is downloaded.

Its counterpart writes the folder back: npm run train -- export --format hf --model registry:NAME --out DIR
(the tensors come out byte-identical). Train from it with --init-from registry:NAME.

options:
  --name NAME      the registry name (default: the folder's name)
  --replace        replace a registered model of the same name
  --registry DIR   the registry folder (default CODEX_MODELS, else .codex/models/)
  -h, --help       this text
`

/** `npm run train -- import DIR`: a Hugging Face GPT-2 folder into the model registry. */
export async function importCommand(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    { registry: { type: 'string' }, name: { type: 'string' }, replace: { type: 'boolean' } },
    COMMAND,
  )
  if (values.help) {
    io.out(IMPORT_HELP)
    return 0
  }
  return addModel(positionals, values, io, COMMAND)
}

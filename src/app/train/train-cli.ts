import { defineCommand, lazyCommand } from '../../foundation/cli/define-command.ts'
import { trainCommand } from './train-command.ts'

/**
 * `npm run train -- …`: a training run (`--config …`), or the subcommand its first word names.
 * Each subcommand's module loads only when it runs, so `--help` and a plain run pay for none of
 * them. A new subcommand is one line here.
 */
export const trainCli = defineCommand({
  ...trainCommand,
  summary: `${trainCommand.summary}, or run one of the commands below`,
  subcommands: {
    sweep: lazyCommand(
      'train every combination of --grid values (or print the matrix)',
      async () => (await import('./sweep-command.ts')).sweepCommand,
    ),
    prepare: lazyCommand(
      'prepare a dataset: schema check, safety filter, splits, tokenizer, manifest',
      async () => (await import('../data/prepare-command.ts')).prepareCommand,
    ),
    export: lazyCommand(
      'a checkpoint as an ONNX model, a Hugging Face GPT-2 folder or a PEFT adapter',
      async () => (await import('./export-command.ts')).exportCommand,
    ),
    sample: lazyCommand(
      'generate text with a trained GPT (nanoGPT sample.py)',
      async () => (await import('./sample-command.ts')).sampleCommand,
    ),
    import: lazyCommand(
      'a Hugging Face GPT-2 folder into the model registry (= registry add)',
      async () => (await import('./import-command.ts')).importCommand,
    ),
    registry: lazyCommand(
      'the local model registry: list, add, verify',
      async () => (await import('./registry-command.ts')).registryCommand,
    ),
  },
})

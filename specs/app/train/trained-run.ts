import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { trainCli } from '../../../src/app/train/train-cli.ts'
import { CheckpointManager } from '../../../src/domain/checkpoint/checkpoint-manager.ts'
import { loadTrainConfig } from '../../../src/domain/train/config/load-train-config.ts'
import { loadTextData } from '../../../src/domain/train/text-data.ts'
import { train } from '../../../src/domain/train/train.ts'
import type { Io } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'

/**
 * A run folder under `parent` as `npm run train` leaves it, from 3 steps of gpt-tiny on ts: checkpoints/ckpt-3
 * and (unless `withTokenizer` is false) tokenizer.json. Shared by the export and sample specs.
 */
export async function trainedRun(parent: string, withTokenizer = true): Promise<string> {
  const run = mkdtempSync(join(parent, 'run-'))
  const { config } = loadTrainConfig(
    'configs/train/gpt-tiny.json',
    ['max_iters=3', 'eval_interval=3', 'eval_iters=1'],
    {
      backend: 'ts',
      system_metrics: 'off',
    },
  )
  const checkpointer = new CheckpointManager({ dir: join(run, 'checkpoints') })
  await train({ config, outDir: run, checkpointer })
  if (withTokenizer) {
    const { tokenizer } = loadTextData(config.dataset, config.val_fraction, config.block_size)
    writeFileSync(join(run, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()))
  }
  return run
}

/**
 * Captured output of a command, one entry per write without its final newline (the commands
 * write a line at a time). The environment is this process's, so the ledger and registry
 * settings the specs' setup made hold.
 */
export function captureIo(): { out: string[]; err: string[]; io: Io } {
  const out: string[] = []
  const err: string[] = []
  const line = (text: string) => text.replace(/\n$/, '')
  return {
    out,
    err,
    io: { stdout: (t) => out.push(line(t)), stderr: (t) => err.push(line(t)), env: process.env, cwd: process.cwd() },
  }
}

/** `npm run train -- <argv>` in this process, through the same command tree as the script. */
export function runTrain(argv: string[], io: Io = captureIo().io): Promise<number> {
  return runCommand(trainCli, argv, io)
}

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { unrankedCheckpointNote } from '../../../src/app/train/run-training.ts'
import { loadTextData } from '../../../src/domain/train/text-data.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { perturbedParams, writeGpt2Fixture } from '../../domain/pretrained/support/model-fixtures.ts'
import { hasStack, runTrainCli } from '../../domain/train/support/run-cli.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { runTrain } from './trained-run.ts'

describe('unrankedCheckpointNote()', () => {
  test('only when keep_best is on and some checkpoint steps are not eval steps', () => {
    expect(unrankedCheckpointNote({ keep_best: 1, checkpoint_every: 60, eval_interval: 40 })).toBe(
      'note: checkpoint_every 60 is not a multiple of eval_interval 40: checkpoints saved between evals record no val/loss and keep_best does not rank them',
    )
    expect(unrankedCheckpointNote({ keep_best: 1, checkpoint_every: 80, eval_interval: 40 })).toBeUndefined()
    expect(unrankedCheckpointNote({ keep_best: 0, checkpoint_every: 60, eval_interval: 40 })).toBeUndefined()
    expect(unrankedCheckpointNote({ keep_best: 1, checkpoint_every: 0, eval_interval: 40 })).toBeUndefined()
  })
})

describe('runTraining() from pretrained weights (child process)', () => {
  const dir = tempDir('run-pretrained-')
  const ledger = join(dir, 'ledger.db')
  const registry = join(dir, 'models')
  const TINY = 'configs/train/gpt-tiny.json'
  const FAST = [
    '--set',
    'max_iters=4',
    '--set',
    'eval_interval=2',
    '--set',
    'eval_iters=1',
    '--set',
    'checkpoint_every=2',
  ]

  test('--init-from gpt2 (a Hub name) exits 2 saying where to put the files; nothing is fetched or written', async () => {
    const out = join(dir, 'hub')
    const r = await runTrainCli(
      ['--config', TINY, '--init-from', 'gpt2', '--registry', registry, '--set', `out_dir=${out}`],
      ledger,
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `error: --init-from gpt2: gpt2 is neither a folder nor a registry model (registry: ${registry}); a Hugging Face Hub name is not fetched`,
    )
    expect(r.stderr).toContain(
      'hint: codex-gates never downloads: put config.json and model.safetensors in a local folder',
    )
    expect(hasStack(r.stderr)).toBe(false)
    expect(existsSync(out)).toBe(false)
  })

  test('a LoRA run from a registry model: adapter/ in PEFT format, the ledger row says what it started from and trained; resume continues it', {
    timeout: 120_000,
  }, async () => {
    // a 1-layer GPT over gpt-tiny's 62 characters, registered as "tiny-base"
    const vocab = loadTextData('configs/corpus/fables.txt', 0.1, 32).tokenizer.vocabSize
    const gpt = { vocab_size: vocab, block_size: 64, n_layer: 1, n_head: 2, n_embd: 16, bias: true, dropout: 0 }
    writeGpt2Fixture(join(dir, 'tiny-base'), gpt, perturbedParams(gpt, 3))
    await runTrain(['registry', 'add', join(dir, 'tiny-base'), '--registry', registry])
    const out = join(dir, 'lora')
    const args = [
      '--config',
      TINY,
      '--init-from',
      'registry:tiny-base',
      '--registry',
      registry,
      ...FAST,
      '--set',
      'lora.r=2',
      '--set',
      `out_dir=${out}`,
    ]
    const first = await runTrainCli([...args, '--max-steps', '2'], ledger)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain('note: n_layer 2 → 1 (from registry:tiny-base)')
    expect(first.stdout).toContain('note: position embeddings cropped from 64 to block_size 32')
    expect(first.stdout).toMatch(/run lora: 128 trainable of 4,944 parameters \(2.59%\)/)
    const second = await runTrainCli([...args, '--resume-from', 'latest'], ledger)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain('resuming from')
    expect(readdirSync(join(out, 'adapter')).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors'])
    expect(JSON.parse(readFileSync(join(out, 'adapter', 'adapter_config.json'), 'utf8'))).toMatchObject({
      r: 2,
      target_modules: ['c_attn'],
      base_model_name_or_path: 'registry:tiny-base',
    })
    const db = openLedger(ledger)
    try {
      const rows = db.all<Record<string, unknown>>(
        'SELECT init_from, registry_name, adapter_json, trainable_params, total_params, status FROM training_runs WHERE init_from IS NOT NULL',
      )
      expect(rows).toHaveLength(1) // resumed into the same run folder: one run
      expect(rows[0]).toMatchObject({
        init_from: 'registry:tiny-base',
        registry_name: 'tiny-base',
        trainable_params: 128,
        total_params: 4944,
        status: 'completed',
      })
      expect(JSON.parse(rows[0]?.adapter_json as string)).toEqual({
        r: 2,
        lora_alpha: 8,
        lora_dropout: 0,
        target_modules: ['c_attn'],
        task_type: 'CAUSAL_LM',
      })
    } finally {
      db.close()
    }
    const sample = await runTrainCli(
      ['sample', '--checkpoint', out, '--registry', registry, '--prompt', 'The', '--max-new-tokens', '5'],
      ledger,
    )
    expect(sample.code, sample.stderr).toBe(0)
    expect(sample.stdout.startsWith('The')).toBe(true)
  })

  test('--dry-run names the init source, its digest and the LoRA settings, and trains nothing', async () => {
    const out = join(dir, 'dry')
    const r = await runTrainCli(
      [
        '--config',
        TINY,
        '--init-from',
        'tiny-base',
        '--registry',
        registry,
        '--set',
        'lora.r=2',
        '--set',
        `out_dir=${out}`,
        '--dry-run',
      ],
      ledger,
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/ {2}parameters {4}128 trainable of 4,944 parameters \(2\.59%\)/)
    expect(r.stdout).toMatch(/ {2}init {10}tiny-base \(registry model tiny-base\), digest [0-9a-f]{12}…/)
    expect(r.stdout).toContain(
      '  lora          r 2, alpha 8 (scale 4), dropout 0, targets c_attn, task CAUSAL_LM; base frozen',
    )
    expect(existsSync(out)).toBe(false)
  })
})

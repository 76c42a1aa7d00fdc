import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { openModelRegistry } from '../../../src/app/train/model-registry-dir.ts'
import { perturbedParams, TINY_GPT, writeGpt2Fixture } from '../../domain/pretrained/support/model-fixtures.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { captureIo, runTrain } from './trained-run.ts'

const dir = tempDir('registry-cli-')
const source = join(dir, 'tiny-gpt2')
writeGpt2Fixture(source, TINY_GPT, perturbedParams(TINY_GPT, 2))

describe('registryCommand()', () => {
  test('add, then list as a table and as JSON; import is the same as add', async () => {
    const registry = join(dir, 'models-a')
    const c = captureIo()
    expect(await runTrain(['registry', 'add', source, '--registry', registry], c.io)).toBe(0)
    expect(c.out).toEqual([
      `registered tiny-gpt2 (1,912 parameters; n_layer 2, n_head 2, n_embd 8, n_positions 8, vocab 11) in ${registry}`,
      'train from it with --init-from registry:tiny-gpt2',
    ])
    expect(await runTrain(['import', source, '--name', 'again', '--registry', registry], c.io)).toBe(0)
    const list = captureIo()
    expect(await runTrain(['registry', 'list', '--registry', registry], list.io)).toBe(0)
    expect(list.out.join('\n').split('\n')).toEqual([
      expect.stringMatching(/^name +layout +parameters +layers×heads×width +positions +vocab +source +status$/),
      expect.stringMatching(/^-+/),
      expect.stringMatching(new RegExp(`^again +hf-gpt2 +1912 +2×2×8 +8 +11 +${source} +ok$`)),
      expect.stringMatching(new RegExp(`^tiny-gpt2 +hf-gpt2 +1912 +2×2×8 +8 +11 +${source} +ok$`)),
    ])
    const json = captureIo()
    expect(await runTrain(['registry', 'list', '--json', '--registry', registry], json.io)).toBe(0)
    const parsed = JSON.parse(json.out.join('\n'))
    expect(parsed.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual([
      ['again', 'ok'],
      ['tiny-gpt2', 'ok'],
    ])
    expect(parsed[0].manifest).toMatchObject({ layout: 'hf-gpt2', parameters: 1912, source })
  })

  test('verify: ok models print ok; a damaged one is named with its fix and the exit code is 1', async () => {
    const registry = join(dir, 'models-b')
    await runTrain(['registry', 'add', source, '--name', 'good', '--registry', registry], captureIo().io)
    await runTrain(['registry', 'add', source, '--name', 'bad', '--registry', registry], captureIo().io)
    const path = join(registry, 'bad', 'model.safetensors')
    const bytes = readFileSync(path)
    bytes[100] = (bytes[100] as number) ^ 1
    writeFileSync(path, bytes)
    const c = captureIo()
    expect(await runTrain(['registry', 'verify', '--registry', registry], c.io)).toBe(1)
    expect(c.out).toEqual([
      expect.stringMatching(
        /^DAMAGED {2}bad: model.safetensors sha256 is [0-9a-f]{12}… but the manifest says [0-9a-f]{12}…$/,
      ),
      `         fix: register it again from its source: npm run train -- registry add ${source} --name bad --replace`,
      'ok       good',
    ])
    expect(await runTrain(['registry', 'verify', 'good', '--registry', registry], captureIo().io)).toBe(0)
    rmSync(join(registry, 'good', 'config.json'))
    const list = captureIo()
    await runTrain(['registry', 'list', '--registry', registry], list.io)
    expect(list.out.join('\n')).toMatch(/good .* damaged: config.json is missing/)
  })

  test('an empty registry says how to add one; unknown verbs and missing folders are usage errors', async () => {
    const c = captureIo()
    expect(await runTrain(['registry', 'list', '--registry', join(dir, 'none')], c.io)).toBe(0)
    expect(c.out).toEqual([`no models in ${join(dir, 'none')}; add one with npm run train -- registry add <folder>`])
    await expect(runTrain(['registry', 'lst'], c.io)).rejects.toMatchObject({
      code: 'BAD_USAGE',
      hint: expect.stringContaining('did you mean `npm run train -- registry list`?'),
    })
    await expect(runTrain(['registry', 'add', '--registry', dir], c.io)).rejects.toThrow(
      'npm run train -- registry add: missing <dir>',
    )
    await expect(runTrain(['import', join(dir, 'missing'), '--registry', dir], c.io)).rejects.toMatchObject({
      code: 'PRETRAINED_NOT_FOUND',
    })
  })

  test('the registry folder is --registry, else CODEX_MODELS, else .codex/models', () => {
    expect(openModelRegistry('/x/flag', { CODEX_MODELS: '/x/env' }).dir).toBe('/x/flag')
    expect(openModelRegistry(undefined, { CODEX_MODELS: '/x/env' }).dir).toBe('/x/env')
    expect(openModelRegistry(undefined, {}).dir).toBe(join(process.cwd(), '.codex', 'models'))
  })
})

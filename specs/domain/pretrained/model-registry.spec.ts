import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { writeHfFolder } from '../../../src/domain/pretrained/hf-folder.ts'
import { loadPretrained, resolvePretrained } from '../../../src/domain/pretrained/load-pretrained.ts'
import { ModelRegistry } from '../../../src/domain/pretrained/model-registry.ts'
import { weightsDigest } from '../../../src/domain/train/init-weights.ts'
import { countParams } from '../../../src/domain/train/model/gpt.ts'
import { tempDir } from '../../support/temp-dir.ts'
import { perturbedParams, TINY_GPT, writeGpt2Fixture } from './support/model-fixtures.ts'

const dir = tempDir('registry-')
const params = perturbedParams(TINY_GPT, 31)
const source = join(dir, 'tiny-gpt2')
writeGpt2Fixture(source, TINY_GPT, params)
writeFileSync(join(source, 'vocab.json'), '{"a": 0}')

describe('ModelRegistry', () => {
  test('add copies the folder with a manifest: source, layout, sha256 per file, parameters, config hash', async () => {
    const registry = new ModelRegistry(join(dir, 'models-a'))
    const manifest = await registry.add(source)
    expect(manifest).toMatchObject({
      name: 'tiny-gpt2',
      layout: 'hf-gpt2',
      source,
      parameters: countParams(TINY_GPT, false),
      weights_digest: weightsDigest(params),
      model: { vocab_size: 11, block_size: 8, n_layer: 2, n_head: 2, n_embd: 8 },
    })
    expect(Object.keys(manifest.files).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.json'])
    expect(manifest.config_sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(readdirSync(registry.dir)).toEqual(['tiny-gpt2']) // no temp folder left behind
    const [entry] = registry.list()
    expect(entry).toMatchObject({ name: 'tiny-gpt2', problems: [] })
    expect(entry?.manifest).toEqual(manifest)
  })

  test('a second add under the same name is refused unless replaced; bad names are refused', async () => {
    const registry = new ModelRegistry(join(dir, 'models-b'))
    await registry.add(source, { name: 'm' })
    await expect(registry.add(source, { name: 'm' })).rejects.toMatchObject({
      code: 'REGISTRY_EXISTS',
      hint: expect.stringContaining('--replace'),
    })
    await registry.add(source, { name: 'm', replace: true })
    expect(readdirSync(registry.dir)).toEqual(['m'])
    for (const bad of ['../x', 'a/b', '.hidden', '']) {
      await expect(registry.add(source, { name: bad })).rejects.toMatchObject({ code: 'REGISTRY_NAME' })
    }
  })

  test('verify names a damaged file and a missing one, with the command that repairs them', async () => {
    const registry = new ModelRegistry(join(dir, 'models-c'))
    await registry.add(source, { name: 'ok' })
    await registry.add(source, { name: 'flipped' })
    await registry.add(source, { name: 'gone' })
    const weights = join(registry.dir, 'flipped', 'model.safetensors')
    const bytes = readFileSync(weights)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff
    writeFileSync(weights, bytes)
    rmSync(join(registry.dir, 'gone', 'config.json'))
    const results = await registry.verify()
    expect(results.map((r) => [r.name, r.problems])).toEqual([
      [
        'flipped',
        [expect.stringMatching(/^model.safetensors sha256 is [0-9a-f]{12}… but the manifest says [0-9a-f]{12}…$/)],
      ],
      ['gone', ['config.json is missing']],
      ['ok', []],
    ])
    expect(results[0]?.fix).toBe(
      `register it again from its source: npm run train -- registry add ${source} --name flipped --replace`,
    )
    // list sees the missing file without hashing; load refuses both
    expect(registry.list().find((e) => e.name === 'gone')?.problems).toEqual(['config.json is missing'])
    await expect(registry.load('gone')).rejects.toMatchObject({
      code: 'REGISTRY_DAMAGED',
      message: expect.stringContaining('config.json is missing'),
    })
    await expect(registry.load('flipped')).rejects.toMatchObject({
      code: 'REGISTRY_DAMAGED',
      hint: expect.stringContaining('--replace'),
    })
    expect((await registry.load('ok')).params['transformer.wte.weight']?.data).toEqual(
      params['transformer.wte.weight']?.data,
    )
  })

  test('a file grown since it was registered and a manifest gone are named; the fix says to re-add when the source is gone', async () => {
    const registry = new ModelRegistry(join(dir, 'models-d'))
    const copy = join(dir, 'copy-of-source')
    writeGpt2Fixture(copy, TINY_GPT, params)
    await registry.add(copy, { name: 'grown' })
    await registry.add(copy, { name: 'bare' })
    appendFileSync(join(registry.dir, 'grown', 'config.json'), ' ')
    rmSync(join(registry.dir, 'bare', 'manifest.json'))
    rmSync(copy, { recursive: true })
    const results = await registry.verify(['grown', 'bare'])
    expect(results[0]?.problems).toEqual([
      expect.stringMatching(/^config.json is \d+ bytes but the manifest says \d+$/),
    ])
    expect(results[0]?.fix).toContain(`its source folder is gone: remove ${join(registry.dir, 'grown')}`)
    expect(results[1]?.problems).toEqual(['manifest.json is missing'])
    await expect(registry.verify(['nope'])).rejects.toMatchObject({
      code: 'REGISTRY_UNKNOWN',
      hint: expect.stringContaining('registered: bare, grown'),
    })
  })
})

describe('resolvePretrained() / loadPretrained()', () => {
  const registry = new ModelRegistry(join(dir, 'models-e'))

  test('registry:<name> and a bare name read the registry; an existing folder wins over a name', async () => {
    await registry.add(source, { name: 'tiny' })
    expect(resolvePretrained('registry:tiny', registry)).toEqual({ kind: 'registry', name: 'tiny' })
    expect(resolvePretrained('tiny', registry)).toEqual({ kind: 'registry', name: 'tiny' })
    expect(resolvePretrained(source, registry)).toEqual({ kind: 'folder', dir: source })
    const model = await loadPretrained('tiny', registry)
    expect(model).toMatchObject({ spec: 'tiny', registryName: 'tiny', gpt: TINY_GPT })
    expect((await loadPretrained(source, registry)).registryName).toBeUndefined()
  })

  test('a Hub name is never fetched: exit-2 error saying where to put the files', () => {
    for (const spec of ['gpt2', 'openai-community/gpt2', 'registry:gpt2']) {
      expect(() => resolvePretrained(spec, registry)).toThrow(expect.objectContaining({ code: 'PRETRAINED_NOT_FOUND' }))
    }
    try {
      resolvePretrained('gpt2', registry)
    } catch (error) {
      expect((error as Error).message).toBe(
        `--init-from gpt2: gpt2 is neither a folder nor a registry model (registry: ${registry.dir}); a Hugging Face Hub name is not fetched`,
      )
      expect((error as { hint: string }).hint).toContain(
        'codex-gates never downloads: put config.json and model.safetensors in a local folder',
      )
    }
  })

  test('a model written by writeHfFolder registers and loads back bit-identical', async () => {
    const out = join(dir, 'exported')
    await writeHfFolder(out, TINY_GPT, params)
    await registry.add(out, { name: 'exported' })
    const back = await loadPretrained('registry:exported', registry)
    for (const [k, t] of Object.entries(params)) expect(back.params[k]?.data).toEqual(t.data)
    expect(existsSync(join(registry.dir, 'exported', 'manifest.json'))).toBe(true)
  })
})

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { commitPreparedDir, reusableManifest } from '../../../src/domain/data/dataset-cache.ts'
import { parseDatasetConfig } from '../../../src/domain/data/dataset-config.ts'
import { prepareDataset } from '../../../src/domain/data/prepare-dataset.ts'
import { tempDir } from '../../support/temp-dir.ts'

async function prepared() {
  const dir = tempDir()
  const source = join(dir, 'src.jsonl')
  writeFileSync(source, '{"text":"a"}\n{"text":"b"}\n')
  const result = await prepareDataset(
    parseDatasetConfig({ name: 'c', source, record_schema: 'text', seed: 1, splits: { train: 1 }, artifacts_dir: dir }),
  )
  return { dir, result }
}

function junkTemp(dir: string): string {
  const temp = join(dir, 'temp-build')
  mkdirSync(temp)
  writeFileSync(join(temp, 'marker'), 'new')
  return temp
}

describe('reusableManifest()', () => {
  test('only an intact folder with the same key is reused', async () => {
    const { result } = await prepared()
    const key = result.manifest.cache_key
    expect(reusableManifest(result.manifestPath, key)).toEqual(result.manifest)
    expect(reusableManifest(result.manifestPath, 'other-key')).toBeUndefined()
    expect(reusableManifest(join(result.dir, 'none.json'), key)).toBeUndefined()
    writeFileSync(join(result.dir, 'train.offsets'), 'short')
    expect(reusableManifest(result.manifestPath, key)).toBeUndefined()
    writeFileSync(result.manifestPath, '{')
    expect(reusableManifest(result.manifestPath, key)).toBeUndefined()
  })
})

describe('commitPreparedDir()', () => {
  test('an identical folder committed first wins; replace or a broken folder lets the new one in', async () => {
    const { dir, result } = await prepared()
    const key = result.manifest.cache_key
    commitPreparedDir(junkTemp(dir), result.dir, result.manifestPath, key)
    expect(readFileSync(result.manifestPath, 'utf8')).toContain(key) // kept the first

    commitPreparedDir(join(dir, 'temp-build'), result.dir, result.manifestPath, key, true)
    expect(readFileSync(join(result.dir, 'marker'), 'utf8')).toBe('new') // replaced

    const again = await prepared()
    writeFileSync(join(again.result.dir, 'train.jsonl'), 'damaged')
    commitPreparedDir(junkTemp(again.dir), again.result.dir, again.result.manifestPath, again.result.manifest.cache_key)
    expect(readFileSync(join(again.result.dir, 'marker'), 'utf8')).toBe('new')
  })
})

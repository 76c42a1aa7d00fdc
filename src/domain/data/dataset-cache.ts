import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fsyncDir } from '../../foundation/fs/write-file-atomic.ts'
import { type DatasetManifest, readManifest } from './manifest.ts'

// The prepared-dataset cache: a folder per cache key, reused while its files are intact,
// committed by renaming a finished temp folder into place.

/** The manifest at `path` when it exists, matches `cacheKey` and its files are all there with the right sizes. */
export function reusableManifest(path: string, cacheKey: string): DatasetManifest | undefined {
  if (!existsSync(path)) return undefined
  let manifest: DatasetManifest
  try {
    manifest = readManifest(path)
  } catch {
    return undefined
  }
  if (manifest.cache_key !== cacheKey) return undefined
  const dir = join(path, '..')
  for (const entry of Object.values(manifest.splits)) {
    if (!sizeIs(join(dir, entry.path), entry.bytes)) return undefined
    if (!sizeIs(join(dir, entry.offsets.path), (entry.records + 1) * 8)) return undefined
  }
  if (manifest.tokenizer && !existsSync(join(dir, manifest.tokenizer.path))) return undefined
  return manifest
}

function sizeIs(path: string, bytes: number): boolean {
  try {
    return statSync(path).size === bytes
  } catch {
    return false
  }
}

/**
 * Renames the finished temp folder into place. An intact identical folder committed first (by
 * another process) wins, unless `replace` (a forced rebuild); a broken one is removed.
 */
export function commitPreparedDir(
  temp: string,
  dir: string,
  manifestPath: string,
  cacheKey: string,
  replace = false,
): void {
  if (existsSync(dir)) {
    if (!replace && reusableManifest(manifestPath, cacheKey)) return
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    renameSync(temp, dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && reusableManifest(manifestPath, cacheKey)) return
    throw error
  }
  fsyncDir(join(dir, '..'))
}

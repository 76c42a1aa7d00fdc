import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The codex-gates package's own folder (its package.json, `configs/schemas/`), found by walking up
 * from this module: the same answer from the TypeScript source, a prebuilt bundle under
 * `.codex/`, or compiled `dist/` inside someone's `node_modules/codex-gates`.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)))

/** The nearest folder at or above `from` whose package.json is named `codex-gates`. */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && packageName(manifest) === 'codex-gates') return dir
    if (dirname(dir) === dir) throw new Error(`BUG: no codex-gates package.json above ${from}`)
  }
}

function packageName(manifest: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
  } catch {
    return undefined
  }
}

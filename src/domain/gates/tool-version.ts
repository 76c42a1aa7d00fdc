import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { PACKAGE_ROOT } from './repo-files.ts'

/**
 * A tool binary for a gated repository: its own `node_modules/.bin/<name>` when it has one
 * (its pinned version), else ours.
 */
export function resolveBin(root: string, name: string, configured = 'auto'): string {
  if (configured !== 'auto') return isAbsolute(configured) ? configured : join(root, configured)
  const own = join(root, 'node_modules', '.bin', name)
  return existsSync(own) ? own : join(PACKAGE_ROOT, 'node_modules', '.bin', name)
}

/** The version of the npm package a binary belongs to (from its package.json), without running it. */
export function binVersion(bin: string): string {
  try {
    let dir = dirname(realpathSync(bin))
    for (let i = 0; i < 5; i++) {
      const pkg = join(dir, 'package.json')
      if (existsSync(pkg)) {
        const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string }
        if (parsed.version) return `${parsed.name ?? '?'}@${parsed.version}`
      }
      dir = dirname(dir)
    }
  } catch {
    // a missing or foreign binary: the key still changes with its path
  }
  return `unknown:${bin}`
}

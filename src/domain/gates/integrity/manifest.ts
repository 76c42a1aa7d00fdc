import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { userCommand } from '../../../foundation/cli/user-command.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { readRepoFile } from '../../../foundation/fs/text-file.ts'
import { writeFileAtomic } from '../../../foundation/fs/write-file-atomic.ts'

/** One file in the pre-manifest. */
export interface ManifestEntry {
  sha256: string
  size: number
}

/** `.codex/pre_manifest.json`: path → sha256 and size, taken by `npm run gates -- manifest`. */
export interface Manifest {
  version: 1
  created_at: string
  files: Record<string, ManifestEntry>
}

/** The tree's differences from a manifest. */
export interface ManifestDiff {
  added: string[]
  removed: string[]
  changed: string[]
  moved: { from: string; to: string }[]
}

/** Hashes the files into a manifest. */
export function buildManifest(root: string, files: readonly string[], now = new Date()): Manifest {
  const entries: Record<string, ManifestEntry> = {}
  for (const path of [...files].sort()) {
    const bytes = readRepoFile(root, path)
    if (bytes) entries[path] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }
  }
  return { version: 1, created_at: now.toISOString(), files: entries }
}

/** Writes a manifest atomically (creating its folder). */
export function writeManifest(path: string, manifest: Manifest): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 1)}\n`)
}

/** Reads a manifest; undefined when there is none, UserError when it is unreadable. */
export function readManifest(root: string, relPath: string): Manifest | undefined {
  const path = join(root, relPath)
  if (!existsSync(path)) return undefined
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Manifest
    if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('bad shape')
    return parsed
  } catch (error) {
    throw new UserError(
      'MANIFEST',
      // Everything in the try throws an Error: fs errors, SyntaxError, the shape check.
      `${relPath} is not a codex-gates manifest (${(error as Error).message})`,
      `rewrite it with \`${userCommand('manifest')}\``,
    )
  }
}

/**
 * Compares two path → hash maps. A path in both with another hash is changed; a removed path
 * whose hash reappears at an added path is moved (paired in path order); the rest are added or
 * removed.
 */
export function compareManifests(
  before: Readonly<Record<string, { sha256: string }>>,
  after: Readonly<Record<string, { sha256: string }>>,
): ManifestDiff {
  const changed: string[] = []
  const removedPaths: string[] = []
  const addedPaths: string[] = []
  for (const [path, entry] of Object.entries(before)) {
    const now = after[path]
    if (!now) removedPaths.push(path)
    else if (now.sha256 !== entry.sha256) changed.push(path)
  }
  for (const path of Object.keys(after)) if (!(path in before)) addedPaths.push(path)
  const addedByHash = new Map<string, string[]>()
  for (const path of addedPaths.sort()) {
    const hash = (after[path] as { sha256: string }).sha256
    addedByHash.set(hash, [...(addedByHash.get(hash) ?? []), path])
  }
  const moved: { from: string; to: string }[] = []
  const removed: string[] = []
  const movedTo = new Set<string>()
  for (const from of removedPaths.sort()) {
    const candidates = addedByHash.get((before[from] as { sha256: string }).sha256)
    const to = candidates?.shift()
    if (to) {
      moved.push({ from, to })
      movedTo.add(to)
    } else {
      removed.push(from)
    }
  }
  const added = addedPaths.filter((p) => !movedTo.has(p))
  return { added: added.sort(), removed, changed: changed.sort(), moved }
}

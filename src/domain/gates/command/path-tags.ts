import { accessSync, closeSync, constants, lstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { type PathFacts, tagsFromFilename, tagsFromPath } from '../pre-commit/tags-from-path.ts'

/**
 * identify tags of the files under `root`, read from disk (lstat, X_OK, the first KiB) and
 * remembered per path. `executableOf` overrides the execute bit, for a snapshot folder whose files
 * were written without modes (the index's 100755 is the truth there).
 */
export function pathTagsOf(
  root: string,
  executableOf?: (path: string) => boolean | undefined,
): (path: string) => ReadonlySet<string> {
  const known = new Map<string, Set<string>>()
  return (path) => {
    let tags = known.get(path)
    if (!tags) {
      tags = tagsFromPath(pathFacts(root, path, executableOf?.(path)))
      known.set(path, tags)
    }
    return tags
  }
}

/** What identify looks at for one path. A path that cannot be read counts as an empty regular file. */
export function pathFacts(root: string, path: string, executable?: boolean): PathFacts {
  const full = join(root, path)
  let kind: PathFacts['kind'] = 'file'
  let mode = 0
  try {
    const stat = lstatSync(full)
    kind = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : stat.isSocket() ? 'socket' : 'file'
    mode = stat.mode
  } catch {
    return { path, kind: 'file', executable: executable ?? false, head: new Uint8Array() }
  }
  if (kind !== 'file') return { path, kind, executable: false, head: new Uint8Array() }
  // No execute bit at all: X_OK fails for everyone, root included (not so on Windows, where it is F_OK).
  const noBits = (mode & 0o111) === 0 && process.platform !== 'win32'
  // The first KiB only where the name leaves text/binary open (the shebang matters only then too).
  const named = tagsFromFilename(path)
  const settled = named.has('text') || named.has('binary')
  return {
    path,
    kind,
    executable: executable ?? (!noBits && isExecutable(full)),
    head: settled ? new Uint8Array() : readHead(full),
  }
}

// --- internal ---

const HEAD_BYTES = 1024

function isExecutable(full: string): boolean {
  try {
    accessSync(full, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function readHead(full: string): Uint8Array {
  const buffer = Buffer.alloc(HEAD_BYTES)
  let fd: number | undefined
  try {
    fd = openSync(full, 'r')
    return buffer.subarray(0, readSync(fd, buffer, 0, HEAD_BYTES, 0))
  } catch {
    return new Uint8Array()
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

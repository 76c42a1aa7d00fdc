import { readFileSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import type { RepoIndex } from './resolution.ts'

/**
 * A RepoIndex over the gate's file list. A path missing from the list is looked up on disk
 * (once, cached): imports may point into files the gate's excludes or the `tracked` listing
 * leave out, and they still exist.
 */
export function repoIndex(root: string, files: readonly string[]): RepoIndex {
  const fileSet = new Set(files)
  const dirs = ancestorDirs(files)
  const pyDirs = ancestorDirs(files.filter((f) => f.endsWith('.py') || f.endsWith('.pyi')))
  const disk = new Map<string, 'file' | 'dir' | 'none'>()
  const onDisk = (path: string): 'file' | 'dir' | 'none' => {
    let kind = disk.get(path)
    if (kind === undefined) {
      kind = 'none'
      if (!path.startsWith('../') && path !== '..') {
        try {
          const st = statSync(join(root, path))
          kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'none'
        } catch {
          // Absent: 'none'.
        }
      }
      disk.set(path, kind)
    }
    return kind
  }
  return {
    isFile: (path) => fileSet.has(path) || onDisk(path) === 'file',
    isDir: (path) => dirs.has(path) || onDisk(path) === 'dir',
    isPyDir: (path) => pyDirs.has(path),
    read: (path) => {
      try {
        return readFileSync(join(root, path), 'utf8')
      } catch {
        return undefined
      }
    },
  }
}

/** A RepoIndex over files held in memory (path → text): for specs and pure callers. */
export function memoryRepoIndex(files: Readonly<Record<string, string>>): RepoIndex {
  const paths = Object.keys(files)
  const dirs = ancestorDirs(paths)
  const pyDirs = ancestorDirs(paths.filter((f) => f.endsWith('.py') || f.endsWith('.pyi')))
  return {
    isFile: (path) => Object.hasOwn(files, path),
    isDir: (path) => dirs.has(path),
    isPyDir: (path) => pyDirs.has(path),
    read: (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
  }
}

// --- internal ---

function ancestorDirs(files: readonly string[]): Set<string> {
  const dirs = new Set<string>()
  for (const f of files) {
    for (let d = posix.dirname(f); d !== '.' && d !== '/' && !dirs.has(d); d = posix.dirname(d)) dirs.add(d)
  }
  return dirs
}

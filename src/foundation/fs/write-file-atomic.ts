import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { nodeCrypto } from '../lazy/node-crypto.ts'

/**
 * Writes `data` to `path` so that readers see the old file or the new one, never a torn one:
 * temp file in the same folder, fsync, rename, fsync the folder.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${nodeCrypto().randomBytes(6).toString('hex')}`
  try {
    writeFileDurable(temp, data)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  try {
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  fsyncDir(dirname(path))
}

/**
 * Writes `data` to a new file at `path` and fsyncs it, without the temp file and rename: for a
 * file in a folder no reader sees until the folder itself is renamed into place (then fsync the
 * folder once, with fsyncDir).
 */
export function writeFileDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w', 0o644)
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    let offset = 0
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** fsyncs a folder so a rename inside it is durable (no-op where the OS refuses). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

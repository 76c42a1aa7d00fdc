import { accessSync, constants } from 'node:fs'

/**
 * True when this process may write `path` (file or folder), as the kernel decides it: the mode
 * bits for an ordinary user, always for root (which SQLite and Node can write through 0444), never
 * on a read-only mount.
 */
export function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

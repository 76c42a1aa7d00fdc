import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Reads a repo-relative file; undefined when it vanished between listing and reading. */
export function readRepoFile(root: string, path: string): Buffer | undefined {
  try {
    return readFileSync(join(root, path))
  } catch {
    return undefined
  }
}

/**
 * Reads files into one growing scratch buffer instead of a new Buffer each: scanning hundreds of
 * megabytes this way leaves the garbage collector nothing to do. The returned view is only valid
 * until the next read.
 */
export class ScratchReader {
  private scratch = Buffer.allocUnsafe(1 << 20)

  /** The file's bytes, or undefined when it cannot be read or is larger than `maxBytes`. */
  read(path: string, maxBytes = Number.POSITIVE_INFINITY): Uint8Array | undefined {
    let fd: number
    try {
      fd = openSync(path, 'r')
    } catch {
      return undefined
    }
    try {
      const size = fstatSync(fd).size
      if (size > maxBytes) return undefined
      if (size > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2))
      let filled = 0
      while (filled < size) {
        const n = readSync(fd, this.scratch, filled, size - filled, filled)
        if (n === 0) break
        filled += n
      }
      return this.scratch.subarray(0, filled)
    } catch {
      return undefined
    } finally {
      closeSync(fd)
    }
  }
}

/** Size in bytes of a repo-relative file (0 when it vanished). */
export function repoFileSize(root: string, path: string): number {
  try {
    return statSync(join(root, path)).size
  } catch {
    return 0
  }
}

/** Binary, as git decides it: a NUL byte in the first 8000 bytes. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).indexOf(0) !== -1
}

/** 1-based line numbers of character offsets; built lazily, then O(log n) per lookup. */
export class LineIndex {
  private starts: number[] | undefined

  constructor(private readonly text: string) {}

  /** The 1-based line of `offset`. */
  lineOf(offset: number): number {
    const starts = this.lineStarts()
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }

  /** The text of the line holding `offset`, without its newline. */
  lineText(offset: number): string {
    const start = this.text.lastIndexOf('\n', offset - 1) + 1
    const end = this.text.indexOf('\n', offset)
    return this.text.slice(start, end === -1 ? this.text.length : end).replace(/\r$/, '')
  }

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0]
      let i = this.text.indexOf('\n')
      while (i !== -1) {
        starts.push(i + 1)
        i = this.text.indexOf('\n', i + 1)
      }
      this.starts = starts
    }
    return this.starts
  }
}

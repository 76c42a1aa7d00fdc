import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Reads a repo-relative file; undefined when it vanished between listing and reading. */
export function readRepoFile(root: string, path: string): Buffer | undefined {
  try {
    return readFileSync(join(root, path))
  } catch {
    return undefined
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

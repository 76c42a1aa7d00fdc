/**
 * Bytes read from a child's stdout, consumed from the front: a line (an object header of `git
 * cat-file`) or a known number of bytes (its content). Chunks are joined only when the front
 * is needed, so a large blob is concatenated once.
 */
export class ByteQueue {
  private chunks: Buffer[] = []
  /** Bytes held. */
  length = 0

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.length += chunk.length
  }

  /** The next line without its `\n`, or undefined until a whole line is there. */
  line(): string | undefined {
    const joined = this.joined()
    const newline = joined.indexOf(0x0a)
    if (newline === -1) return undefined
    const text = joined.subarray(0, newline).toString('utf8')
    this.keep(joined.subarray(newline + 1))
    return text
  }

  /** The next `size` bytes (copied), skipping `skip` more after them; undefined until that many are there. */
  take(size: number, skip = 0): Buffer | undefined {
    if (this.length < size + skip) return undefined
    const joined = this.joined()
    const bytes = Buffer.from(joined.subarray(0, size))
    this.keep(joined.subarray(size + skip))
    return bytes
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)]
    return this.chunks[0] ?? Buffer.alloc(0)
  }

  private keep(rest: Buffer): void {
    this.chunks = rest.length ? [rest] : []
    this.length = rest.length
  }
}

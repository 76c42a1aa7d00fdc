import { createHash, type Hash } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { DatasetManifest } from './manifest.ts'
import { manifestSplit, readManifest } from './manifest.ts'

const FLUSH_BYTES = 1 << 20

/**
 * Appends JSONL lines to one split file through a 1 MiB buffer, keeping each line's byte offset
 * and a running sha256. `finish()` fsyncs and writes the offsets file.
 */
export class SplitWriter {
  readonly path: string
  records = 0
  bytes = 0
  private readonly fd: number
  private readonly hash: Hash = createHash('sha256')
  private offsets: Float64Array = new Float64Array(1024)
  private pending: string[] = []
  private pendingBytes = 0

  constructor(path: string) {
    this.path = path
    this.fd = openSync(path, 'w', 0o644)
  }

  /** Appends one record line (without newline). */
  write(line: string): void {
    if (this.records + 1 >= this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2)
      grown.set(this.offsets)
      this.offsets = grown
    }
    this.offsets[this.records] = this.bytes
    const size = Buffer.byteLength(line) + 1
    this.bytes += size
    this.records++
    this.pending.push(line)
    this.pendingBytes += size
    if (this.pendingBytes >= FLUSH_BYTES) this.flush()
  }

  /** Flushes, fsyncs, closes; writes `<path>.offsets` (u64le, records + 1 entries). Returns their hashes. */
  finish(offsetsPath: string): { sha256: string; offsetsSha256: string } {
    this.flush()
    fsyncSync(this.fd)
    closeSync(this.fd)
    this.offsets[this.records] = this.bytes
    const raw = new Uint8Array((this.records + 1) * 8)
    const view = new DataView(raw.buffer)
    for (let i = 0; i <= this.records; i++) {
      const v = this.offsets[i] as number
      view.setUint32(i * 8, v % 0x100000000, true)
      view.setUint32(i * 8 + 4, Math.floor(v / 0x100000000), true)
    }
    const fd = openSync(offsetsPath, 'w', 0o644)
    try {
      let at = 0
      while (at < raw.length) at += writeSync(fd, raw, at, raw.length - at)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    return {
      sha256: this.hash.digest('hex'),
      offsetsSha256: createHash('sha256').update(raw).digest('hex'),
    }
  }

  /** Closes without finishing (on error). */
  abort(): void {
    try {
      closeSync(this.fd)
    } catch {
      // already closed by finish()
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return
    const buf = Buffer.from(`${this.pending.join('\n')}\n`)
    this.hash.update(buf)
    let at = 0
    while (at < buf.length) at += writeSync(this.fd, buf, at, buf.length - at)
    this.pending = []
    this.pendingBytes = 0
  }
}

/**
 * Random access to a prepared split: record i is read with one positioned read through the
 * offsets file, so a trainer samples by index without loading the split.
 */
export class SplitReader {
  readonly split: string
  readonly path: string
  readonly length: number
  private readonly offsets: Float64Array
  private fd: number | undefined

  constructor(manifestPath: string, split: string, manifest: DatasetManifest = readManifest(manifestPath)) {
    const entry = manifestSplit(manifest, manifestPath, split)
    const dir = dirname(manifestPath)
    this.split = split
    this.path = join(dir, entry.path)
    const raw = readFileSync(join(dir, entry.offsets.path))
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
    this.offsets = new Float64Array(raw.length / 8)
    for (let i = 0; i < this.offsets.length; i++) {
      this.offsets[i] = view.getUint32(i * 8, true) + view.getUint32(i * 8 + 4, true) * 0x100000000
    }
    this.length = this.offsets.length - 1
    if (this.length !== entry.records) {
      throw new UserError(
        'DATA_MANIFEST',
        `${manifestPath}: split ${split} has ${this.length} offsets but the manifest says ${entry.records} records`,
        'prepare the dataset again',
      )
    }
  }

  /** The line of record `i` (no newline). */
  text(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`SplitReader(${this.split}): index ${i} is outside 0..${this.length - 1}`)
    }
    this.fd ??= openSync(this.path, 'r')
    const start = this.offsets[i] as number
    const size = (this.offsets[i + 1] as number) - start - 1
    const buf = Buffer.allocUnsafe(size)
    let at = 0
    while (at < size) {
      const n = readSync(this.fd, buf, at, size - at, start + at)
      if (n === 0) throw new Error(`SplitReader(${this.split}): ${this.path} is shorter than its offsets say`)
      at += n
    }
    return buf.toString('utf8')
  }

  /** Record `i`, parsed. */
  get(i: number): unknown {
    return JSON.parse(this.text(i))
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

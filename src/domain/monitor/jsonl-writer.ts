import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

export interface JsonlWriterOptions {
  /** Rotate before a line would take the file past this many bytes (default 10 MB). */
  maxBytes?: number
  /** Rotated files kept: `<path>.1` (newest) … `<path>.<keep>` (default 3). */
  keep?: number
}

/**
 * Appends JSON lines with size-based rotation: when the next line would pass `maxBytes`, the
 * file moves to `<path>.1` (older ones shift up, the oldest beyond `keep` is removed) and a
 * fresh file starts. Each line is one synchronous append, so a crash loses no written line.
 */
export class JsonlWriter {
  readonly path: string
  private readonly maxBytes: number
  private readonly keep: number
  private size: number

  constructor(path: string, options: JsonlWriterOptions = {}) {
    this.path = path
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024
    this.keep = Math.max(1, options.keep ?? 3)
    mkdirSync(dirname(path), { recursive: true })
    this.size = existsSync(path) ? statSync(path).size : 0
  }

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`
    const bytes = Buffer.byteLength(line)
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate()
    appendFileSync(this.path, line)
    this.size += bytes
  }

  /** Files written so far, newest first (the live file, then `.1`, `.2`, …). */
  files(): string[] {
    const out = existsSync(this.path) ? [this.path] : []
    for (let i = 1; i <= this.keep; i++) if (existsSync(`${this.path}.${i}`)) out.push(`${this.path}.${i}`)
    return out
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.keep}`, { force: true })
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`)
    }
    renameSync(this.path, `${this.path}.1`)
    this.size = 0
  }
}

import { type ChildProcess, spawn } from 'node:child_process'
import { freemem, loadavg, totalmem } from 'node:os'
import { createInterface } from 'node:readline'
import { JsonlWriter, type JsonlWriterOptions } from './jsonl-writer.ts'
import { type GpuSample, nvidiaSmiArgs, parseNvidiaSmiLine } from './nvidia-smi.ts'
import { type FieldSummary, summarize } from './summarize.ts'

export interface SystemSamplerOptions extends JsonlWriterOptions {
  /** JSONL file the samples go to. */
  path: string
  /** ms between samples (default 1000). */
  intervalMs?: number
  /** Also stream GPU readings from one long-lived `nvidia-smi` child (default false). */
  gpu?: boolean
  /** The nvidia-smi binary (default `nvidia-smi` on PATH). */
  nvidiaSmi?: string
  /** Notices such as "nvidia-smi not found" (default: none). */
  warn?: (message: string) => void
}

/** One process/system reading. */
export interface ProcessSample {
  kind: 'process'
  ts: number
  /** CPU time of this process over wall time since the previous sample, % (over 100 with threads). */
  cpu_pct: number
  rss_mb: number
  heap_used_mb: number
  heap_total_mb: number
  load1: number
  sys_mem_used_pct: number
  sys_mem_free_mb: number
}

const MB = 1024 * 1024

/**
 * Samples process and system metrics (and GPU ones where `nvidia-smi` exists) into a rotating
 * JSONL file. Clean on every exit path: `stop()` clears the timer and ends the nvidia-smi child
 * (awaiting its exit); a process that exits without `stop()` still kills the child from an
 * `exit` hook; the timer is unref'd so it never keeps a process alive.
 */
export class SystemSampler {
  private readonly options: SystemSamplerOptions
  private readonly writer: JsonlWriter
  private readonly samples: ProcessSample[] = []
  private readonly gpuSamples: GpuSample[] = []
  private timer: NodeJS.Timeout | undefined
  private child: ChildProcess | undefined
  private childExit: Promise<void> | undefined
  private lastCpu = process.cpuUsage()
  private lastAt = performance.now()
  private gpuNote: string | undefined
  private readonly killOnExit = () => signalChild(this.child, 'SIGKILL')

  constructor(options: SystemSamplerOptions) {
    this.options = options
    this.writer = new JsonlWriter(options.path, options)
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.timer !== undefined
  }

  start(): this {
    if (this.timer) return this
    this.lastCpu = process.cpuUsage()
    this.lastAt = performance.now()
    this.timer = setInterval(() => this.sample(), this.options.intervalMs ?? 1000)
    this.timer.unref()
    if (this.options.gpu) this.startGpu()
    return this
  }

  /** Takes a last sample, stops the timer and the nvidia-smi child; idempotent. */
  async stop(): Promise<void> {
    if (!this.timer) return
    clearInterval(this.timer)
    this.timer = undefined
    this.sample()
    const child = this.child
    if (child) {
      this.child = undefined
      signalChild(child, 'SIGTERM')
      const killLater = setTimeout(() => signalChild(child, 'SIGKILL'), 2000)
      await this.childExit
      clearTimeout(killLater)
    }
    process.removeListener('exit', this.killOnExit)
  }

  /** Takes one process sample now (also what the timer does). */
  sample(): ProcessSample {
    const now = performance.now()
    const cpu = process.cpuUsage(this.lastCpu)
    const wallUs = Math.max(1, (now - this.lastAt) * 1000)
    this.lastCpu = process.cpuUsage()
    this.lastAt = now
    const memory = process.memoryUsage()
    const total = totalmem()
    const free = freemem()
    const s: ProcessSample = {
      kind: 'process',
      ts: Date.now(),
      cpu_pct: ((cpu.user + cpu.system) / wallUs) * 100,
      rss_mb: memory.rss / MB,
      heap_used_mb: memory.heapUsed / MB,
      heap_total_mb: memory.heapTotal / MB,
      load1: loadavg()[0] as number,
      sys_mem_used_pct: ((total - free) / total) * 100,
      sys_mem_free_mb: free / MB,
    }
    this.samples.push(s)
    this.writer.write(s)
    return s
  }

  /** Mean/max per field: process fields by name, GPU fields as `gpu<index>/<field>`. */
  summary(): Record<string, FieldSummary> {
    return {
      ...summarize(this.samples as unknown as Record<string, unknown>[]),
      ...summarize(
        this.gpuSamples as unknown as Record<string, unknown>[],
        (s) => `gpu${(s as unknown as GpuSample).index ?? '?'}/`,
      ),
    }
  }

  /** Why GPU metrics are missing, when asked for and unavailable. */
  get gpuUnavailable(): string | undefined {
    return this.gpuNote
  }

  /** Files written (live first, then rotated). */
  files(): string[] {
    return this.writer.files()
  }

  // --- internal ---

  private startGpu(): void {
    const binary = this.options.nvidiaSmi ?? 'nvidia-smi'
    let child: ChildProcess
    try {
      child = spawn(binary, nvidiaSmiArgs(this.options.intervalMs ?? 1000), { stdio: ['ignore', 'pipe', 'ignore'] })
    } catch (error) {
      this.noGpu(`${binary} could not start: ${(error as Error).message}`)
      return
    }
    this.child = child
    this.childExit = new Promise((resolve) => {
      child.once('close', () => resolve())
      child.once('error', (error) => {
        this.noGpu(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${binary} not found: GPU metrics off`
            : `${binary}: ${error.message}`,
        )
        resolve()
      })
    })
    process.once('exit', this.killOnExit)
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    lines.on('line', (line) => {
      const sample = parseNvidiaSmiLine(line, Date.now())
      if (!sample) return
      this.gpuSamples.push(sample)
      this.writer.write(sample)
    })
  }

  private noGpu(message: string): void {
    this.gpuNote = message
    this.options.warn?.(message)
  }
}

/**
 * Signals a child that is still running. A child whose spawn failed (ENOENT) has no pid, and
 * `kill()` on it signals pid 0 — this whole process group, test runner included.
 */
function signalChild(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return
  child.kill(signal)
}

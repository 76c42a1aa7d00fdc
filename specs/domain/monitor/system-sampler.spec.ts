import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { SystemSampler } from '../../../src/domain/monitor/system-sampler.ts'
import { tempDir } from '../../support/temp-dir.ts'

const dir = tempDir('sampler-')

/** A stand-in nvidia-smi: prints two GPUs every interval until killed; records its pid. */
function fakeNvidiaSmi(): { bin: string; pidFile: string } {
  const bin = join(dir, 'nvidia-smi')
  const pidFile = join(dir, 'nvidia-smi.pid')
  writeFileSync(
    bin,
    `#!/bin/sh\necho $$ > ${pidFile}\nwhile true; do\n  echo "2026/11/22 05:00:00.000, 0, Fake GPU, 50, 20, 1000, 100, 40, 75.5, 1500"\n  echo "2026/11/22 05:00:00.000, 1, Fake GPU, [N/A], 10, 1000, 200, 41, [N/A], 1500"\n  sleep 0.05\ndone\n`,
  )
  chmodSync(bin, 0o755)
  return { bin, pidFile }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls `check` every 20 ms until it holds (the machine may be busy), failing after 10 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)

describe('SystemSampler', () => {
  test('samples process and system fields into JSONL; stop() takes a last sample and clears the timer', async () => {
    const path = join(dir, 'cpu.jsonl')
    const sampler = new SystemSampler({ path, intervalMs: 20 }).start()
    expect(sampler.running).toBe(true)
    await until(() => existsSync(path)) // the timer's first sample
    await sampler.stop()
    expect(sampler.running).toBe(false)
    const rows = lines(path)
    expect(rows.length).toBeGreaterThanOrEqual(2)
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'kind',
      'ts',
      'cpu_pct',
      'rss_mb',
      'heap_used_mb',
      'heap_total_mb',
      'load1',
      'sys_mem_used_pct',
      'sys_mem_free_mb',
    ])
    const count = rows.length
    await new Promise((r) => setTimeout(r, 60))
    expect(lines(path)).toHaveLength(count) // nothing after stop
    await sampler.stop() // idempotent
    expect(sampler.summary().rss_mb?.count).toBe(count)
  })

  test('GPU readings come from one long-lived nvidia-smi child, which stop() ends', async () => {
    const { bin, pidFile } = fakeNvidiaSmi()
    const path = join(dir, 'gpu.jsonl')
    const sampler = new SystemSampler({ path, intervalMs: 30, gpu: true, nvidiaSmi: bin }).start()
    await until(() => existsSync(path) && lines(path).filter((r) => r.kind === 'gpu').length >= 2)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(alive(pid)).toBe(true)
    await sampler.stop()
    expect(alive(pid)).toBe(false)
    const gpu = lines(path).filter((r) => r.kind === 'gpu')
    expect(gpu.length).toBeGreaterThanOrEqual(2)
    expect(gpu.find((r) => r.index === 1)?.util_pct).toBeNull()
    const summary = sampler.summary()
    expect(summary['gpu0/power_w']).toEqual({ mean: 75.5, max: 75.5, count: expect.any(Number) })
    expect(summary['gpu1/power_w']).toBeUndefined()
    expect(sampler.gpuUnavailable).toBeUndefined()
  })

  test('a missing nvidia-smi turns GPU metrics off with a notice, not an error', async () => {
    const notices: string[] = []
    const sampler = new SystemSampler({
      path: join(dir, 'nogpu.jsonl'),
      gpu: true,
      nvidiaSmi: join(dir, 'no-such-nvidia-smi'),
      warn: (m) => notices.push(m),
    }).start()
    await sampler.stop()
    expect(sampler.gpuUnavailable).toBe(`${join(dir, 'no-such-nvidia-smi')} not found: GPU metrics off`)
    expect(notices).toEqual([sampler.gpuUnavailable])
  })
})

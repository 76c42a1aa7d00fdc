/** Fields asked of `nvidia-smi --query-gpu` (see ../shared/notes/training.md), in column order. */
export const GPU_QUERY_FIELDS = [
  'timestamp',
  'index',
  'name',
  'utilization.gpu',
  'utilization.memory',
  'memory.total',
  'memory.used',
  'temperature.gpu',
  'power.draw',
  'clocks.sm',
] as const

/** One GPU reading; a field nvidia-smi reports as `[N/A]` or `[Not Supported]` is null. */
export interface GpuSample {
  kind: 'gpu'
  ts: number
  gpu_time: string | null
  index: number | null
  name: string | null
  util_pct: number | null
  mem_util_pct: number | null
  mem_total_mib: number | null
  mem_used_mib: number | null
  temp_c: number | null
  power_w: number | null
  sm_clock_mhz: number | null
}

/** Arguments for one long-lived child that prints a row per GPU every `intervalMs`. */
export function nvidiaSmiArgs(intervalMs: number): string[] {
  return [
    `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
    '--format=csv,noheader,nounits',
    '-lms',
    String(Math.max(1, Math.round(intervalMs))),
  ]
}

/**
 * Parses one CSV row of `nvidiaSmiArgs` output. Returns null for a line that is not such a row
 * (the format is not guaranteed stable across drivers: a short row is skipped, not guessed at).
 */
export function parseNvidiaSmiLine(line: string, ts: number): GpuSample | null {
  const cells = line.split(',').map((c) => c.trim())
  if (cells.length < GPU_QUERY_FIELDS.length) return null
  const text = (i: number): string | null => {
    const c = cells[i] as string
    return c === '' || /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions)\]?$/i.test(c) ? null : c
  }
  const num = (i: number): number | null => {
    const c = text(i)
    if (c === null) return null
    const n = Number(c)
    return Number.isFinite(n) ? n : null
  }
  return {
    kind: 'gpu',
    ts,
    gpu_time: text(0),
    index: num(1),
    name: text(2),
    util_pct: num(3),
    mem_util_pct: num(4),
    mem_total_mib: num(5),
    mem_used_mib: num(6),
    temp_c: num(7),
    power_w: num(8),
    sm_clock_mhz: num(9),
  }
}

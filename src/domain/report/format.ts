/** Number formatting shared by the HTML, Markdown and chart renderers (deterministic, locale-free). */

/** `1234.5` → `1,234.5`; integers without decimals, others to `digits` significant places. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return ''
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return groupThousands(String(value))
  const abs = Math.abs(value)
  if (abs >= 1000) return groupThousands(value.toFixed(0))
  if (abs >= 1e-3) return String(Number(value.toPrecision(digits)))
  return value.toExponential(2)
}

/** Milliseconds as `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return ''
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}

/** A percentage with one decimal: `87.5%`. */
export function formatPct(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  return `${value.toFixed(1)}%`
}

/** A signed delta with one decimal: `+1.2`, `-0.4`, `±0.0`. */
export function formatDelta(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  const rounded = Math.round(value * 10) / 10
  if (rounded === 0) return '±0.0'
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(1)}`
}

/** An ISO timestamp as `2025-01-31 14:05:09Z` (what the ledger stores, shortened; no clock read). */
export function formatTs(iso: string | null | undefined): string {
  if (!iso) return ''
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso)
  if (!match) return iso
  return `${match[1]} ${match[2]}${match[3] ?? ''}`
}

/** The date part of an ISO timestamp. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : ''
}

/** The first 8 characters of a sha or id. */
export function short(id: string | null | undefined, length = 8): string {
  return id ? id.slice(0, length) : ''
}

/** The first line of a text, cut to `max` characters with an ellipsis. */
export function firstLine(text: string | null | undefined, max = 200): string {
  if (!text) return ''
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? ''
  return truncate(line.trim(), max)
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function groupThousands(digits: string): string {
  const negative = digits.startsWith('-')
  const body = negative ? digits.slice(1) : digits
  const grouped = body.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return negative ? `-${grouped}` : grouped
}

/** `1,234 / 56,789 (2.17%)`: a run's trainable against total parameters; empty when not recorded. */
export function paramShare(trainable: number | null | undefined, total: number | null | undefined): string {
  if (trainable == null || total == null) return ''
  const fmt = (n: number) => n.toLocaleString('en-US')
  if (trainable === total) return fmt(total)
  return `${fmt(trainable)} / ${fmt(total)} (${total > 0 ? ((100 * trainable) / total).toFixed(2) : '0'}%)`
}

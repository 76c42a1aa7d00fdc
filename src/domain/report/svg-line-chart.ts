import { escapeHtml } from './escape-html.ts'
import { formatNumber } from './format.ts'

/** One line: `[x, y]` points in x order; `y = null` (NaN, Inf, missing) breaks the line. */
export interface ChartSeries {
  name: string
  points: readonly (readonly [number, number | null])[]
}

export interface LineChartSpec {
  title: string
  xLabel: string
  yLabel: string
  series: readonly ChartSeries[]
  width?: number // px, default 640
  height?: number // px of the plot area and axes, default 240 (the legend adds rows below)
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const

/** Above this many points a series is drawn as a line only, without a marker per point. */
const MAX_MARKERS = 60
const MARGIN = { left: 64, right: 16, top: 30, bottom: 42 }
const LEGEND_ROW = 18

/**
 * Renders a line chart as a self-contained SVG string: axes with rounded ticks, one polyline per
 * series (broken where y is null), point markers with native tooltips, and a legend. No scripts,
 * no external fonts; every label is escaped.
 */
export function svgLineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640
  const plotHeight = spec.height ?? 240
  const series = spec.series.filter((s) => s.points.length > 0)
  const legendRows = Math.ceil(series.length / 2)
  const height = plotHeight + legendRows * LEGEND_ROW + 8
  const xs = series.flatMap((s) => s.points.map((p) => p[0]))
  const ys = series.flatMap((s) => s.points.flatMap((p) => (p[1] === null ? [] : [p[1]])))
  const xDomain = paddedDomain(xs)
  const yTicks = niceTicks(...paddedDomain(ys))
  const xTicks = niceTicks(...xDomain)
  const x0 = MARGIN.left
  const x1 = width - MARGIN.right
  const y0 = plotHeight - MARGIN.bottom
  const y1 = MARGIN.top
  const yMin = yTicks[0] as number
  const yMax = yTicks[yTicks.length - 1] as number
  // x spans the data exactly (ticks outside it are dropped); y extends to round ticks.
  const [xMin, xMax] = xDomain
  const sx = (x: number) => round1(x0 + ((x - xMin) / (xMax - xMin)) * (x1 - x0))
  const sy = (y: number) => round1(y0 - ((y - yMin) / (yMax - yMin)) * (y0 - y1))
  const label = `${spec.title}: ${spec.yLabel} against ${spec.xLabel}`

  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}">`,
  )
  out.push(`<title>${escapeHtml(label)}</title>`)
  out.push(`<text x="${x0}" y="18" class="chart-title">${escapeHtml(spec.title)}</text>`)
  // Grid and y ticks.
  for (const t of yTicks) {
    const y = sy(t)
    out.push(`<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" class="grid"/>`)
    out.push(
      `<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" class="tick">${escapeHtml(tickLabel(t, yTicks))}</text>`,
    )
  }
  for (const t of xTicks) {
    if (t < xMin || t > xMax) continue
    const x = sx(t)
    out.push(`<line x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + 4}" class="axis"/>`)
    out.push(
      `<text x="${x}" y="${y0 + 16}" text-anchor="middle" class="tick">${escapeHtml(tickLabel(t, xTicks))}</text>`,
    )
  }
  out.push(`<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" class="axis"/>`)
  out.push(`<line x1="${x0}" x2="${x0}" y1="${y1}" y2="${y0}" class="axis"/>`)
  out.push(
    `<text x="${round1((x0 + x1) / 2)}" y="${y0 + 34}" text-anchor="middle" class="axis-label">${escapeHtml(spec.xLabel)}</text>`,
  )
  out.push(
    `<text x="14" y="${round1((y0 + y1) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${round1((y0 + y1) / 2)})" class="axis-label">${escapeHtml(spec.yLabel)}</text>`,
  )
  // Lines, then markers.
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] as string
    const dash = i >= PALETTE.length ? ' stroke-dasharray="6 3"' : ''
    for (const segment of segments(s.points)) {
      if (segment.length === 1) continue
      const d = segment.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ')
      out.push(`<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`)
    }
    // A gap (NaN, Inf, missing) gets a red cross on the x axis, so it reads as a value, not as no data.
    for (const [x, y] of s.points) {
      if (y !== null && Number.isFinite(y)) continue
      const cx = sx(x)
      out.push(
        `<g class="nan"><title>${escapeHtml(`${s.name}: no finite value (NaN/Inf) at ${spec.xLabel} ${formatNumber(x)}`)}</title><line x1="${cx - 4}" x2="${cx + 4}" y1="${y0 - 4}" y2="${y0 + 4}"/><line x1="${cx - 4}" x2="${cx + 4}" y1="${y0 + 4}" y2="${y0 - 4}"/></g>`,
      )
    }
    const defined = s.points.filter((p): p is readonly [number, number] => p[1] !== null)
    const lonely = segments(s.points).filter((seg) => seg.length === 1)
    const markers = defined.length <= MAX_MARKERS ? defined : lonely.flat()
    for (const [x, y] of markers) {
      out.push(
        `<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${colour}"><title>${escapeHtml(`${s.name}: ${formatNumber(y)} at ${spec.xLabel} ${formatNumber(x)}`)}</title></circle>`,
      )
    }
  })
  // Legend: two columns under the plot.
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] as string
    const lx = x0 + (i % 2) * Math.floor((x1 - x0) / 2)
    const ly = plotHeight + Math.floor(i / 2) * LEGEND_ROW + 4
    out.push(`<rect x="${lx}" y="${ly}" width="14" height="4" fill="${colour}"/>`)
    out.push(`<text x="${lx + 20}" y="${ly + 6}" class="legend">${escapeHtml(s.name)}</text>`)
  })
  out.push('</svg>')
  return out.join('')
}

/** Rounded tick values covering [min, max] with about `count` steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const step = niceStep((max - min) / count)
  const first = Math.floor(min / step) * step
  const last = Math.ceil(max / step) * step
  const ticks: number[] = []
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

// --- internal ---

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
  return nice * power
}

/** A non-empty, non-degenerate range around the values. */
function paddedDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return [0, 1]
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const v of finite) {
    if (v < min) min = v
    if (v > max) max = v
  }
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.05 : 1
    min -= pad
    max += pad
  }
  return [min, max]
}

function segments(points: readonly (readonly [number, number | null])[]): (readonly [number, number])[][] {
  const out: (readonly [number, number])[][] = []
  let current: (readonly [number, number])[] = []
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      if (current.length) out.push(current)
      current = []
    } else current.push([x, y])
  }
  if (current.length) out.push(current)
  return out
}

function tickLabel(value: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] as number) - (ticks[0] as number)) : 1
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step))))
  const abs = Math.abs(value)
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-4)) return value.toExponential(1)
  return formatNumber(Number(value.toFixed(decimals)), 6)
}

function round1(v: number): number {
  return Math.round(v * 10) / 10
}

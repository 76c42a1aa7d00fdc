import { type Finding, makeFinding } from '../../finding.ts'
import type { SmokeExpectations } from '../command-config.ts'
import type { MetricPoint } from './read-metrics.ts'

export interface SmokeCheckContext {
  gate: string
  /** Wall time of the run in seconds. */
  seconds: number
  commandText: string
}

/**
 * What a smoke run's metrics must show, as findings (none: it passed): metrics were logged, at
 * least `min_steps` steps, every value finite (the first NaN or infinity of each metric names its
 * step), each `falls` metric dropped from its first to its last value by the margin, `final`
 * bounds on last values, and the `max_seconds` budget.
 */
export function checkSmoke(
  points: readonly MetricPoint[],
  expect: SmokeExpectations,
  ctx: SmokeCheckContext,
): Finding[] {
  const findings: Finding[] = []
  const fail = (rule: string, message: string, remediation: string) =>
    findings.push(
      makeFinding({
        gate: ctx.gate,
        rule,
        severity: 'error',
        file: null,
        line: null,
        message,
        remediation,
        identity: rule,
      }),
    )
  const rerun = `re-run \`${ctx.commandText}\``
  if (points.length === 0) {
    fail(
      'no-metrics',
      'the run logged no metrics',
      `make the training script print one record per step (e.g. {"step": 1, "loss": 2.3}) or set metrics.format / metrics.file to where it logs, then ${rerun}`,
    )
  }
  const steps = new Set(points.map((p) => p.step)).size
  if (points.length > 0 && steps < expect.min_steps) {
    fail(
      'too-few-steps',
      `the run logged ${steps} step(s); at least ${expect.min_steps} expected`,
      `run more steps, or lower expect.min_steps; ${rerun}`,
    )
  }
  const byName = new Map<string, MetricPoint[]>()
  for (const p of points) byName.set(p.name, [...(byName.get(p.name) ?? []), p])
  if (expect.finite) {
    for (const [name, series] of byName) {
      const bad = series.find((p) => !Number.isFinite(p.value))
      if (bad) {
        fail(
          `non-finite-${name}`,
          `${name} is ${String(bad.value)} at step ${bad.step}`,
          `the run diverged at step ${bad.step}: lower the learning rate, check the data of that step and the loss for log(0) or division by zero; ${rerun}`,
        )
      }
    }
  }
  for (const [name, margin] of Object.entries(expect.falls)) {
    const series = (byName.get(name) ?? []).filter((p) => Number.isFinite(p.value))
    const first = series[0]
    const last = series.at(-1)
    if (!first || !last || series.length < 2) {
      fail(
        `missing-${name}`,
        `${name} was ${series.length === 1 ? 'logged once' : 'never logged'} as a finite value; expect.falls needs it at two steps at least`,
        `log ${name} every step; ${rerun}`,
      )
      continue
    }
    const drop = first.value - last.value
    if (drop < margin) {
      fail(
        `${name}-did-not-fall`,
        `${name} went from ${fmt(first.value)} (step ${first.step}) to ${fmt(last.value)} (step ${last.step}): fell ${fmt(drop)}, expected at least ${fmt(margin)}`,
        `check the learning rate, the optimizer step and that gradients reach the parameters; ${rerun}`,
      )
    }
  }
  for (const [name, bounds] of Object.entries(expect.final)) {
    const last = (byName.get(name) ?? []).at(-1)
    if (!last) {
      fail(`missing-${name}`, `${name} was never logged; expect.final needs its last value`, `log ${name}; ${rerun}`)
      continue
    }
    if (bounds.below !== undefined && !(last.value < bounds.below)) {
      fail(
        `final-${name}`,
        `${name} ended at ${fmt(last.value)} (step ${last.step}); expected below ${fmt(bounds.below)}`,
        `train longer or fix the regression; ${rerun}`,
      )
    }
    if (bounds.above !== undefined && !(last.value > bounds.above)) {
      fail(
        `final-${name}`,
        `${name} ended at ${fmt(last.value)} (step ${last.step}); expected above ${fmt(bounds.above)}`,
        `train longer or fix the regression; ${rerun}`,
      )
    }
  }
  if (expect.max_seconds !== undefined && ctx.seconds > expect.max_seconds) {
    fail(
      'too-slow',
      `the run took ${ctx.seconds.toFixed(1)} s; the budget is ${expect.max_seconds} s`,
      `find what got slower (data loading, a larger model, fewer threads) or raise expect.max_seconds; ${rerun}`,
    )
  }
  return findings
}

// --- internal ---

function fmt(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(4))) : String(n)
}

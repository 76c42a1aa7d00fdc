import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { baselineFile, buildBaseline, formatBaseline } from '../../domain/gates/baseline.ts'
import type { GateName, GatesConfig } from '../../domain/gates/gates-config.ts'
import { buildPlaceholderBaseline, collectPlaceholders } from '../../domain/gates/placeholders/placeholders.ts'
import { gateFiles, runGate } from '../../domain/gates/run-gate.ts'

/** A baseline file to write: its repo-relative path, text, and one line saying what it accepts. */
export interface BaselineWrite {
  gate: GateName
  path: string
  content: string
  /** How many findings (or placeholders) it accepts. */
  accepted: number
  reason: string
}

/** Gates whose findings describe the machine, not the repository: a baseline would hide a setup fault. */
export const NOT_BASELINED: ReadonlySet<GateName> = new Set(['toolchain', 'integrity'])

/**
 * Rules that say "not installed (as locked) here": fixed by `npm ci` or `pip install`, never
 * accepted into a baseline, whatever the gate.
 */
export const SETUP_RULES: Readonly<Partial<Record<GateName, readonly string[]>>> = {
  deps: ['missing-lockfile', 'not-installed', 'installed-drift', 'engines-node'],
  'python-deps': ['not-installed', 'installed-drift'],
}

export interface BaselineOptions {
  root: string
  /** The resolved config the baselines are taken under (init passes the one it is about to write). */
  config: GatesConfig
  env?: NodeJS.ProcessEnv
}

/**
 * Today's findings of one gate as its baseline file: the placeholders gate's per-file counts
 * (its own ratchet, at `gates.placeholders.baseline`), every other gate's blocking findings as
 * fingerprints and counts under the config's `baselines` folder. Undefined when the gate does
 * not run here (disabled or skipped), with the reason.
 */
export async function takeBaseline(
  gate: GateName,
  options: BaselineOptions,
): Promise<{ write: BaselineWrite } | { skipped: string }> {
  const { root, config } = options
  if (!config.gates[gate].enabled) return { skipped: `gates.${gate}.enabled is false` }
  if (gate === 'placeholders') {
    const found = collectPlaceholders(root, gateFiles(root, config, 'placeholders'))
    const baseline = buildPlaceholderBaseline(found)
    const files = Object.keys(baseline.files).length
    return {
      write: {
        gate,
        path: config.gates.placeholders.baseline,
        content: `${JSON.stringify(baseline, null, 2)}\n`,
        accepted: found.length,
        reason:
          found.length === 0
            ? 'placeholders ratchet: none today; any new one fails'
            : `placeholders ratchet: ${found.length} placeholder(s) in ${files} file(s) may stay, no file may gain one`,
      },
    }
  }
  const run = await runGate(gate, {
    root,
    config,
    env: options.env,
    useCache: false,
    baseline: false,
    reportsDir: false,
  })
  if (run.status === 'skipped') return { skipped: run.reason ?? 'skipped' }
  const setup = new Set(SETUP_RULES[gate] ?? [])
  const baseline = buildBaseline(
    gate,
    run.findings.filter((f) => !setup.has(f.rule)),
  )
  const accepted = baseline.entries.reduce((n, e) => n + e.count, 0)
  const files = new Set(baseline.entries.map((e) => e.file)).size
  return {
    write: {
      gate,
      path: baselineFile(config.baselines, gate),
      content: formatBaseline(baseline),
      accepted,
      reason:
        accepted === 0
          ? `${gate}: no findings today; every new one fails`
          : `${gate}: ${accepted} finding(s) in ${files} file(s) accepted as warnings; new ones fail`,
    },
  }
}

/**
 * The baselines init takes: one per gate that runs here and is not in `NOT_BASELINED`, empty
 * where a gate finds nothing today (so the folder records what was accepted at adoption). A
 * baseline file that already exists is kept as it is: init never accepts problems that appeared
 * after adoption (`codex-gates baseline <gate>` rewrites one on purpose).
 */
export async function planBaselines(
  gates: readonly GateName[],
  options: BaselineOptions,
): Promise<{ writes: BaselineWrite[]; kept: string[]; notes: string[] }> {
  const writes: BaselineWrite[] = []
  const kept: string[] = []
  const notes: string[] = []
  for (const gate of gates) {
    if (NOT_BASELINED.has(gate)) continue
    const path =
      gate === 'placeholders'
        ? options.config.gates.placeholders.baseline
        : baselineFile(options.config.baselines, gate)
    if (existsSync(join(options.root, path))) {
      kept.push(path)
      continue
    }
    const taken = await takeBaseline(gate, options)
    if ('skipped' in taken) continue
    writes.push(taken.write)
  }
  for (const gate of ['typecheck', 'lint'] as const) {
    const w = writes.find((x) => x.gate === gate)
    if (w && w.accepted > 0)
      notes.push(
        `${gate}: its findings are identified by line, so editing above a baselined one reports it again; fix these ${w.accepted} soon`,
      )
  }
  return { writes, kept, notes }
}

/** True when `path` under `root` already holds exactly `content` (init rewrites nothing equal). */
export function sameContent(root: string, path: string, content: string): boolean {
  try {
    return readFileSync(join(root, path), 'utf8') === content
  } catch {
    return false
  }
}

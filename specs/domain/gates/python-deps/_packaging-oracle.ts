// The reference the PEP 440/508 port is checked against: Python's `packaging`, asked in one batch
// through specs/fixtures/python-deps/packaging-oracle.py, and the same questions answered by the port.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  filterVersions,
  formatSpecifierSet,
  parseSpecifierSet,
  setContains,
  setPrereleases,
} from '../../../../src/domain/gates/python-deps/pep440-specifier.ts'
import {
  compareVersions,
  formatVersion,
  isPrerelease,
  parseVersion,
} from '../../../../src/domain/gates/python-deps/pep440-version.ts'
import {
  evaluateMarker,
  formatMarker,
  type MarkerEnvironment,
  parseMarker,
} from '../../../../src/domain/gates/python-deps/pep508-marker.ts'
import { parseRequirement } from '../../../../src/domain/gates/python-deps/pep508-requirement.ts'

export type Query =
  | { kind: 'version'; text: string }
  | { kind: 'compare'; a: string; b: string }
  | { kind: 'specifier'; text: string; items: string[] }
  | { kind: 'requirement'; text: string }
  | { kind: 'marker'; text: string; env: MarkerEnvironment }

export const ORACLE = fileURLToPath(new URL('../../../fixtures/python-deps/packaging-oracle.py', import.meta.url))

/** Asks packaging; `skip` says why it cannot be asked here (no python3, no packaging >= 22). */
export function askPackaging(queries: readonly Query[]): { skip: string } | { packaging: string; answers: unknown[] } {
  const run = spawnSync('python3', [ORACLE], { input: JSON.stringify(queries), maxBuffer: 1 << 30 })
  if (run.error) return { skip: `python3 is not runnable here (${run.error.message})` }
  if (run.status === 3) return { skip: run.stderr.toString().trim() }
  if (run.status !== 0) throw new Error(`packaging-oracle.py failed (${run.status}): ${run.stderr.toString()}`)
  return JSON.parse(run.stdout.toString())
}

/** The port's answer to a query, in the oracle's shape. */
export function answerLocally(q: Query): unknown {
  switch (q.kind) {
    case 'version': {
      const v = parseVersion(q.text)
      return v ? { ok: true, str: formatVersion(v), pre: isPrerelease(v), post: v.post !== undefined } : { ok: false }
    }
    case 'compare':
      return compareVersions(parseVersion(q.a)!, parseVersion(q.b)!)
    case 'specifier': {
      let set: ReturnType<typeof parseSpecifierSet>
      try {
        set = parseSpecifierSet(q.text)
      } catch {
        return { ok: false }
      }
      return {
        ok: true,
        str: formatSpecifierSet(set),
        prereleases: setPrereleases(set) ?? null,
        contains: q.items.map((i) => setContains(set, i)),
        containsPre: q.items.map((i) => setContains(set, i, { prereleases: true })),
        containsNoPre: q.items.map((i) => setContains(set, i, { prereleases: false })),
        filter: filterVersions(set, q.items),
      }
    }
    case 'requirement': {
      let r: ReturnType<typeof parseRequirement>
      try {
        r = parseRequirement(q.text)
      } catch {
        return { ok: false }
      }
      return {
        ok: true,
        name: r.name,
        canonical: r.canonical,
        url: r.url ?? null,
        extras: [...r.extras].sort(),
        specifier: formatSpecifierSet(r.specifier),
        marker: r.marker ? formatMarker(r.marker) : null,
      }
    }
    case 'marker': {
      let m: ReturnType<typeof parseMarker>
      try {
        m = parseMarker(q.text)
      } catch {
        return { ok: false }
      }
      try {
        return { ok: true, str: formatMarker(m), value: evaluateMarker(m, q.env) }
      } catch {
        return { ok: true, str: formatMarker(m), error: true }
      }
    }
  }
}

/** The committed answers of packaging (specs/fixtures/python-deps/packaging-reference.jsonl) for one kind of query. */
export function referenceCases<K extends Query['kind']>(
  kind: K,
): { query: Extract<Query, { kind: K }>; answer: unknown }[] {
  const lines = readFileSync(
    new URL('../../../fixtures/python-deps/packaging-reference.jsonl', import.meta.url),
    'utf8',
  )
    .split('\n')
    .filter(Boolean)
    .slice(1)
  return lines.map((l) => JSON.parse(l)).filter((c) => c.query.kind === kind)
}

/** Runs `queries` through packaging and the port; returns the disagreements (at most 10) or why packaging was not asked. */
export function disagreements(queries: readonly Query[]): { skip: string } | { packaging: string; diffs: string[] } {
  const asked = askPackaging(queries)
  if ('skip' in asked) return asked
  const diffs: string[] = []
  queries.forEach((q, i) => {
    const mine = JSON.stringify(answerLocally(q))
    const theirs = JSON.stringify(asked.answers[i])
    if (mine !== theirs && diffs.length < 10)
      diffs.push(`${JSON.stringify(q)}\n  port:      ${mine}\n  packaging: ${theirs}`)
  })
  return { packaging: asked.packaging, diffs }
}

import { nearest } from '../../foundation/cli/nearest.ts'

export interface SkipRequest {
  /** Step names to skip. */
  skip: Set<string>
  /** Names in SKIP that match no step, each with the closest step name when there is one. */
  unknown: { name: string; close: string | undefined }[]
}

/**
 * Parses `SKIP=secrets,lint` (the pre-commit framework's convention: comma-separated step ids,
 * spaces ignored). Unknown names are reported, not fatal: a typo must not block a commit, and the
 * misspelled step still runs, which is the safe side.
 */
export function parseSkip(value: string | undefined, known: readonly string[]): SkipRequest {
  const skip = new Set<string>()
  const unknown: SkipRequest['unknown'] = []
  for (const raw of (value ?? '').split(',')) {
    const name = raw.trim()
    if (!name) continue
    if (known.includes(name)) skip.add(name)
    else unknown.push({ name, close: nearest(name, [...known]) })
  }
  return { skip, unknown }
}

/** The warning line for unknown SKIP names. */
export function unknownSkipWarning(unknown: SkipRequest['unknown'], known: readonly string[]): string | undefined {
  if (unknown.length === 0) return undefined
  const names = unknown.map((u) => `"${u.name}"${u.close ? ` (did you mean ${u.close}?)` : ''}`).join(', ')
  return `codex-gates: SKIP names no step ${names}; steps are: ${known.join(', ')}`
}

import { createHash } from 'node:crypto'
import { CHECKPOINT_FORMAT_VERSION, MANIFEST_LISTED } from './checkpoint-layout.ts'
import { corrupt } from './trainer-state-json.ts'

export interface ManifestEntry {
  bytes: number
  sha256: string
}

/** `manifest.json`: size and sha256 of every other file, plus a digest of itself. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT
  format_version: number
  step: number
  files: Record<string, ManifestEntry>
}

export const MANIFEST_FORMAT = 'codex-gates-checkpoint'

/**
 * The manifest's text. `self_sha256` covers the body, and the reader also requires the text to
 * be exactly this serialization, so any single changed byte is caught even inside whitespace.
 */
export function encodeManifest(step: number, files: Record<string, ManifestEntry>): string {
  const body = orderedBody(step, files)
  return serialize(body)
}

/** Parses and checks a manifest's text; faults name the file. Listed files are checked by the caller. */
export function decodeManifest(text: string, file: string): Manifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw corrupt(file, `is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(file, 'must be a JSON object')
  const o = raw as Record<string, unknown>
  if (o.format !== MANIFEST_FORMAT)
    throw corrupt(file, `format is ${JSON.stringify(o.format)}, expected "${MANIFEST_FORMAT}"`)
  if (o.format_version !== CHECKPOINT_FORMAT_VERSION) {
    throw corrupt(file, `format_version ${JSON.stringify(o.format_version)} is not ${CHECKPOINT_FORMAT_VERSION}`)
  }
  if (!Number.isSafeInteger(o.step) || (o.step as number) < 0)
    throw corrupt(file, 'step must be a non-negative integer')
  if (typeof o.files !== 'object' || o.files === null || Array.isArray(o.files))
    throw corrupt(file, 'files must be an object')
  const listed = Object.keys(o.files)
  const expected = [...MANIFEST_LISTED]
  if (listed.length !== expected.length || !expected.every((name, i) => listed[i] === name)) {
    throw corrupt(file, `lists ${JSON.stringify(listed)}, expected exactly ${JSON.stringify(expected)}`)
  }
  const files: Record<string, ManifestEntry> = {}
  for (const name of expected) {
    const entry = (o.files as Record<string, unknown>)[name] as Record<string, unknown> | null
    if (
      typeof entry !== 'object' ||
      entry === null ||
      !Number.isSafeInteger(entry.bytes) ||
      (entry.bytes as number) < 0 ||
      typeof entry.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(entry.sha256)
    ) {
      throw corrupt(file, `entry for ${name} must be {"bytes": <integer>, "sha256": <64 hex>}`)
    }
    files[name] = { bytes: entry.bytes as number, sha256: entry.sha256 }
  }
  const body = orderedBody(o.step as number, files)
  const canonical = serialize(body)
  if (canonical !== text) {
    const selfOk = o.self_sha256 === digest(body)
    throw corrupt(
      file,
      selfOk ? 'is not in canonical form (edited by hand?)' : 'self_sha256 does not match its content',
    )
  }
  return body
}

// --- internal ---

function orderedBody(step: number, files: Record<string, ManifestEntry>): Manifest {
  const ordered: Record<string, ManifestEntry> = {}
  for (const name of MANIFEST_LISTED) {
    const entry = files[name]
    if (!entry) throw new Error(`BUG: manifest is missing ${name}`)
    ordered[name] = { bytes: entry.bytes, sha256: entry.sha256 }
  }
  return { format: MANIFEST_FORMAT, format_version: CHECKPOINT_FORMAT_VERSION, step, files: ordered }
}

function digest(body: Manifest): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex')
}

function serialize(body: Manifest): string {
  return `${JSON.stringify({ ...body, self_sha256: digest(body) }, null, 2)}\n`
}

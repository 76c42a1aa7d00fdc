import type { HookFile, HookOutcome } from '../hook-types.ts'
import type { NativeHook } from '../native-hook.ts'

/** Upstream's list of private-key markers, matched anywhere in the bytes. */
export const PRIVATE_KEY_MARKERS = [
  'BEGIN RSA PRIVATE KEY',
  'BEGIN DSA PRIVATE KEY',
  'BEGIN EC PRIVATE KEY',
  'BEGIN OPENSSH PRIVATE KEY',
  'BEGIN PRIVATE KEY',
  'PuTTY-User-Key-File-2',
  'BEGIN SSH2 ENCRYPTED PRIVATE KEY',
  'BEGIN PGP PRIVATE KEY BLOCK',
  'BEGIN ENCRYPTED PRIVATE KEY',
  'BEGIN OpenVPN Static key V1',
] as const

/**
 * Files that contain a private-key marker: `Private key found: {file}` each. The line is that of
 * the first marker (upstream prints none); the key itself is never quoted.
 */
export function detectPrivateKey(files: readonly HookFile[]): HookOutcome {
  const problems = []
  for (const file of files) {
    const buf = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.length)
    const hits = PRIVATE_KEY_MARKERS.map((m) => buf.indexOf(m, 0, 'latin1')).filter((i) => i >= 0)
    if (hits.length === 0) continue
    const first = Math.min(...hits)
    const line = buf.subarray(0, first).filter((b) => b === 0x0a).length + 1
    problems.push({ path: file.path, line, message: `Private key found: ${file.path}` })
  }
  return { failed: problems.length > 0, problems, fixes: new Map() }
}

export const detectPrivateKeyHook: NativeHook = {
  id: 'detect-private-key',
  manifest: { name: 'detect private key', entry: 'detect-private-key', language: 'python', types: ['text'] },
  run(files) {
    return detectPrivateKey(files)
  },
}

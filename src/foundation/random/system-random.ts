import { closeSync, openSync, readSync } from 'node:fs'
import { nodeCrypto } from '../lazy/node-crypto.ts'

/**
 * Fills `bytes` from the operating system's cryptographic random source: read from /dev/urandom
 * where there is one, else node:crypto's randomFillSync (the same kernel source, through OpenSSL).
 * The read needs no module: node:crypto costs ~3 ms to load, and a commit hook that only wants a
 * session id and record ids would load it before its checks are done.
 */
export function fillRandom(bytes: Buffer): Buffer {
  if (process.platform !== 'win32' && readUrandom(bytes)) return bytes
  return nodeCrypto().randomFillSync(bytes)
}

/** A random (version 4) UUID, as `crypto.randomUUID()` makes one, from `fillRandom`. */
export function randomUuid(): string {
  const bytes = fillRandom(Buffer.alloc(16))
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40 // version 4
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80 // RFC 9562 variant
  return uuidText(bytes)
}

/** 16 bytes in a UUID's text form: 8-4-4-4-12 lowercase hex digits. */
export function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// --- internal ---

/** True when `bytes` was filled from /dev/urandom (false where it cannot be opened or read). */
function readUrandom(bytes: Buffer): boolean {
  let fd: number
  try {
    fd = openSync('/dev/urandom', 'r')
  } catch {
    return false
  }
  try {
    for (let at = 0; at < bytes.length; ) {
      const read = readSync(fd, bytes, at, bytes.length - at, null)
      if (read <= 0) return false
      at += read
    }
    return true
  } catch {
    return false
  } finally {
    closeSync(fd)
  }
}

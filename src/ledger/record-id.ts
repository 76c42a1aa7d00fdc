import { fillRandom, uuidText } from '../foundation/random/system-random.ts'

/** Random bytes drawn in bulk: one system call per 512 ids instead of one per id. */
const pool = Buffer.alloc(10 * 512)
let offset = pool.length

/**
 * A new record id: a UUIDv7 (RFC 9562), 48 bits of Unix milliseconds then 74 random bits. As
 * unique as `randomUUID()`, but ids made later sort later, so the ledger's unique `rid` index
 * grows at its end instead of at random pages (random v4 ids made 100k-row writes ~2x slower).
 */
export function newRecordId(now: number = Date.now()): string {
  if (offset + 10 > pool.length) {
    fillRandom(pool)
    offset = 0
  }
  const bytes = Buffer.alloc(16)
  bytes.writeUIntBE(now, 0, 6)
  pool.copy(bytes, 6, offset, offset + 10)
  offset += 10
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70 // version 7
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80 // RFC 9562 variant
  return uuidText(bytes)
}

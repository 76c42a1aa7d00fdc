import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { endianness } from 'node:os'
import { compareNames, DTYPES, type Dtype, elementCount, isSubByte, METADATA_KEY } from './safetensors-dtype.ts'

/** One tensor to write: little-endian, C-order bytes of `product(shape) × dtype size`. */
export interface SafetensorsTensor {
  dtype: Dtype
  shape: readonly number[]
  data: ArrayBufferView
}

/** Tensors by name, as a record or as entries (entries keep names like `__proto__` intact). */
export type SafetensorsInput = Record<string, SafetensorsTensor> | Iterable<readonly [string, SafetensorsTensor]>

/** Where every tensor lands: header bytes (length prefix + padded JSON) then data, no holes. */
export interface SafetensorsLayout {
  header: Buffer
  tensors: { name: string; tensor: SafetensorsTensor; begin: number; end: number }[]
  dataBytes: number
  fileBytes: number
}

/** Default write size: large enough to stream at disk speed, small enough to overlap with hashing. */
export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024

/**
 * Lays tensors out exactly as the reference writer does (safetensors `prepare`): sorted by
 * descending dtype alignment then by UTF-8 name, `__metadata__` first, compact JSON padded with
 * spaces to a multiple of 8 so the data starts 8-byte aligned.
 */
export function planSafetensors(
  input: SafetensorsInput,
  metadata: Record<string, string> | null = { format: 'pt' },
): SafetensorsLayout {
  assertLittleEndian()
  const entries = toEntries(input)
  const seen = new Set<string>()
  for (const [name, tensor] of entries) {
    if (name === METADATA_KEY) throw new Error(`safetensors: "${METADATA_KEY}" is reserved and cannot name a tensor`)
    if (seen.has(name)) throw new Error(`safetensors: tensor "${name}" is given twice`)
    seen.add(name)
    assertWellFormed(name, 'tensor name')
    checkTensor(name, tensor)
  }
  entries.sort(([an, at], [bn, bt]) => DTYPES[bt.dtype].rank - DTYPES[at.dtype].rank || compareNames(an, bn))

  const parts: string[] = []
  if (metadata) {
    const fields = Object.entries(metadata).map(([k, v]) => {
      assertWellFormed(k, 'metadata key')
      if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string, got ${typeof v}`)
      assertWellFormed(v, `metadata "${k}"`)
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`
    })
    parts.push(`"${METADATA_KEY}":{${fields.join(',')}}`)
  }
  const tensors: SafetensorsLayout['tensors'] = []
  let offset = 0
  for (const [name, tensor] of entries) {
    const begin = offset
    offset += tensor.data.byteLength
    tensors.push({ name, tensor, begin, end: offset })
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${tensor.dtype}","shape":[${tensor.shape.join(',')}],"data_offsets":[${begin},${offset}]}`,
    )
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8')
  const padded = json.length + ((8 - (json.length % 8)) % 8)
  const header = Buffer.alloc(8 + padded, 0x20)
  header.writeBigUInt64LE(BigInt(padded), 0)
  json.copy(header, 8)
  return { header, tensors, dataBytes: offset, fileBytes: header.length + offset }
}

/** The whole file in memory (tests, small files). Large sets go through `writeSafetensors`. */
export function serializeSafetensors(input: SafetensorsInput, metadata?: Record<string, string> | null): Buffer {
  const layout = planSafetensors(input, metadata)
  const out = Buffer.allocUnsafe(layout.fileBytes)
  layout.header.copy(out, 0)
  for (const t of layout.tensors) out.set(bytesOf(t.tensor.data), layout.header.length + t.begin)
  return out
}

/**
 * Streams tensors to `path` (created or truncated) without building the file in memory, hashing
 * each chunk while the previous write is in flight, then fsyncs. Returns size and sha256.
 */
export async function writeSafetensors(
  path: string,
  input: SafetensorsInput,
  metadata?: Record<string, string> | null,
  options: { chunkBytes?: number } = {},
): Promise<{ bytes: number; sha256: string }> {
  const layout = planSafetensors(input, metadata)
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES
  const hash = createHash('sha256')
  const handle = await open(path, 'w', 0o644)
  try {
    let position = 0
    // Flushing starts while later chunks are still being hashed, so the final fsync finds little
    // left to do: device time overlaps hashing instead of following it.
    let flushing: Promise<void> | null = null
    let flushError: unknown = null
    for (const batch of batches([layout.header, ...layout.tensors.map((t) => bytesOf(t.tensor.data))], chunkBytes)) {
      // The write runs on libuv's pool while this thread hashes the same bytes.
      const written = writeAll(handle, batch, position)
      for (const piece of batch) hash.update(piece)
      position += await written
      flushing ??= handle
        .datasync()
        .catch((error: unknown) => {
          flushError = error
        })
        .finally(() => {
          flushing = null
        })
    }
    if (position !== layout.fileBytes)
      throw new Error(`BUG: wrote ${position} bytes of ${path}, planned ${layout.fileBytes}`)
    await flushing
    if (flushError) throw flushError
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { bytes: layout.fileBytes, sha256: hash.digest('hex') }
}

// --- internal ---

function toEntries(input: SafetensorsInput): [string, SafetensorsTensor][] {
  if (Symbol.iterator in input)
    return [...(input as Iterable<readonly [string, SafetensorsTensor]>)].map(([n, t]) => [n, t])
  return Object.entries(input)
}

function checkTensor(name: string, tensor: SafetensorsTensor): void {
  const { dtype, shape, data } = tensor
  if (!Object.hasOwn(DTYPES, dtype)) throw new Error(`safetensors: tensor "${name}" has unknown dtype ${String(dtype)}`)
  if (isSubByte(dtype)) throw new Error(`safetensors: tensor "${name}": sub-byte dtype ${dtype} is not supported`)
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`safetensors: tensor "${name}" has shape [${shape.join(',')}]; dims must be non-negative integers`)
  }
  const count = elementCount(shape)
  if (count === null) throw new Error(`safetensors: tensor "${name}" shape [${shape.join(',')}] overflows`)
  const expected = count * DTYPES[dtype].bytes
  if (data.byteLength !== expected) {
    throw new Error(
      `safetensors: tensor "${name}" is ${dtype}[${shape.join(',')}] = ${expected} bytes but its data has ${data.byteLength}`,
    )
  }
}

/** Lone surrogates would be replaced by U+FFFD when encoded: refuse them rather than rename silently. */
function assertWellFormed(text: string, what: string): void {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    throw new Error(`safetensors: ${what} ${JSON.stringify(text)} is not valid Unicode (lone surrogate)`)
  }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

/** Groups pieces into batches of about `size` bytes, splitting large pieces; empty pieces dropped. */
function* batches(pieces: Uint8Array[], size: number): Generator<Uint8Array[]> {
  let batch: Uint8Array[] = []
  let filled = 0
  for (const piece of pieces) {
    for (let at = 0; at < piece.length; ) {
      const take = Math.min(size - filled, piece.length - at)
      batch.push(piece.subarray(at, at + take))
      filled += take
      at += take
      if (filled === size) {
        yield batch
        batch = []
        filled = 0
      }
    }
  }
  if (filled > 0) yield batch
}

async function writeAll(
  handle: import('node:fs/promises').FileHandle,
  pieces: Uint8Array[],
  position: number,
): Promise<number> {
  const total = pieces.reduce((n, p) => n + p.length, 0)
  let { bytesWritten } = await handle.writev(pieces, position)
  // writev may write less than asked (signals, quotas): finish the rest piece by piece.
  let skip = bytesWritten
  for (const piece of pieces) {
    if (skip >= piece.length) {
      skip -= piece.length
      continue
    }
    let at = skip
    skip = 0
    while (at < piece.length) {
      const { bytesWritten: n } = await handle.write(piece, at, piece.length - at, position + bytesWritten)
      if (n === 0) throw new Error(`write returned 0 bytes at offset ${position + bytesWritten}`)
      at += n
      bytesWritten += n
    }
  }
  if (bytesWritten !== total) throw new Error(`BUG: wrote ${bytesWritten} of ${total} bytes`)
  return total
}

let endianChecked = false
function assertLittleEndian(): void {
  if (endianChecked) return
  // Typed arrays use the host's byte order; safetensors is little-endian only.
  if (endianness() !== 'LE') throw new Error('BUG: safetensors writing assumes a little-endian host')
  endianChecked = true
}

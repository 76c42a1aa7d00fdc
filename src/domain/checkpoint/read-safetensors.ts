import { createHash } from 'node:crypto'
import { type FileHandle, open } from 'node:fs/promises'
import { endianness } from 'node:os'
import { UserError } from '../../foundation/errors/user-error.ts'
import {
  DTYPES,
  type Dtype,
  elementCount,
  isDtype,
  isSubByte,
  MAX_HEADER_BYTES,
  METADATA_KEY,
} from './safetensors-dtype.ts'

/** One header entry, offsets relative to the data start (end exclusive). */
export interface SafetensorsEntry {
  name: string
  dtype: Dtype
  shape: number[]
  begin: number
  end: number
}

/** A validated header: entries in offset order, contiguous from 0 to the end of the file. */
export interface SafetensorsHeader {
  /** Bytes of JSON (with padding) after the 8-byte length. */
  headerBytes: number
  /** Absolute file offset of the data buffer: 8 + headerBytes. */
  dataStart: number
  metadata: Record<string, string> | null
  tensors: SafetensorsEntry[]
}

/** A tensor read back: its bytes live in their own ArrayBuffer, so any typed view is aligned. */
export interface LoadedTensor {
  dtype: Dtype
  shape: number[]
  bytes: Uint8Array
}

export interface SafetensorsFile {
  metadata: Record<string, string> | null
  /** Tensors in file (offset) order. */
  tensors: Map<string, LoadedTensor>
  bytes: number
  sha256: string
}

/** Hint shown with every rejected file. */
const CORRUPT_HINT = 'the file is damaged or not a safetensors file: use another checkpoint, or delete this one'

/** Reads the u64 little-endian header length and checks it against the bound and the file size. */
export function readHeaderLength(first8: Uint8Array, fileBytes: number, file: string): number {
  if (fileBytes < 8) fail(file, `is ${fileBytes} bytes, shorter than the 8-byte header length`)
  const n = Buffer.from(first8.buffer, first8.byteOffset, 8).readBigUInt64LE(0)
  if (n > BigInt(MAX_HEADER_BYTES)) fail(file, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte bound`)
  if (8n + n > BigInt(fileBytes)) fail(file, `header length ${n} runs past the end of the file (${fileBytes} bytes)`)
  return Number(n)
}

/**
 * Validates a header the way the reference reader does, and stricter: UTF-8, starts with `{`,
 * JSON object, `__metadata__` string-only, every entry exactly `{dtype, shape, data_offsets}`
 * with a known byte-sized dtype and safe-integer dims/offsets, entries contiguous from 0 with
 * no holes or overlaps, each length = product(shape) × dtype size, file length exact.
 */
export function parseSafetensorsHeader(headerJson: Uint8Array, fileBytes: number, file: string): SafetensorsHeader {
  const headerBytes = headerJson.length
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerJson)
  } catch {
    fail(file, 'header is not valid UTF-8')
  }
  if (!text.startsWith('{'))
    fail(file, `header does not start with "{" (starts with ${JSON.stringify(text.slice(0, 8))})`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    fail(file, `header is not valid JSON: ${(error as Error).message}`)
  }
  // Valid JSON that starts with "{" is an object.
  const root = parsed as Record<string, unknown>

  let metadata: Record<string, string> | null = null
  const tensors: SafetensorsEntry[] = []
  for (const [name, value] of Object.entries(root)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value, file)
      continue
    }
    tensors.push(parseEntry(name, value, file))
  }

  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end)
  let cursor = 0
  for (const t of tensors) {
    if (t.begin !== cursor) {
      fail(
        file,
        t.begin < cursor
          ? `tensor "${t.name}" data_offsets [${t.begin},${t.end}] overlap the previous tensor, which ends at ${cursor}`
          : `tensor "${t.name}" starts at ${t.begin} but the previous tensor ends at ${cursor}: a hole in the data`,
      )
    }
    const count = elementCount(t.shape)
    const expected = count === null ? null : count * DTYPES[t.dtype].bytes
    if (expected === null || !Number.isSafeInteger(expected))
      fail(file, `tensor "${t.name}" shape [${t.shape}] overflows`)
    if (t.end - t.begin !== expected) {
      fail(
        file,
        `tensor "${t.name}" is ${t.dtype}[${t.shape.join(',')}] = ${expected} bytes but data_offsets [${t.begin},${t.end}] span ${t.end - t.begin}`,
      )
    }
    cursor = t.end
  }
  const dataStart = 8 + headerBytes
  if (dataStart + cursor !== fileBytes) {
    fail(
      file,
      `data should end at byte ${dataStart + cursor} but the file is ${fileBytes} bytes (${fileBytes > dataStart + cursor ? 'trailing bytes' : 'truncated'})`,
    )
  }
  return { headerBytes, dataStart, metadata, tensors }
}

/** Parses and validates a whole file held in memory; tensors are copied into their own buffers. */
export function decodeSafetensors(bytes: Uint8Array, file = '<buffer>'): SafetensorsFile {
  const n = readHeaderLength(bytes.subarray(0, 8), bytes.length, file)
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.length, file)
  const tensors = new Map<string, LoadedTensor>()
  for (const t of header.tensors) {
    const own = new Uint8Array(t.end - t.begin)
    own.set(bytes.subarray(header.dataStart + t.begin, header.dataStart + t.end))
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, bytes: own })
  }
  return {
    metadata: header.metadata,
    tensors,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  }
}

/**
 * Reads `path` chunk by chunk straight into each tensor's own buffer (no whole-file copy),
 * hashing while the next chunk is read. With `sha256`, a different digest is rejected.
 */
export async function readSafetensors(
  path: string,
  options: { sha256?: string; chunkBytes?: number; name?: string } = {},
): Promise<SafetensorsFile> {
  const file = options.name ?? path
  const chunkBytes = options.chunkBytes ?? 16 * 1024 * 1024
  const handle = await open(path, 'r')
  try {
    const fileBytes = (await handle.stat()).size
    const first8 = new Uint8Array(8)
    // A file under 8 bytes gets readHeaderLength's "shorter than" fault, not "ended early".
    await readExactly(handle, first8.subarray(0, Math.min(8, fileBytes)), 0, file)
    const n = readHeaderLength(first8, fileBytes, file)
    const json = new Uint8Array(n)
    await readExactly(handle, json, 8, file)
    const header = parseSafetensorsHeader(json, fileBytes, file)
    const hash = createHash('sha256').update(first8).update(json)

    const tensors = new Map<string, LoadedTensor>()
    const chunks: { target: Uint8Array; position: number }[] = []
    for (const t of header.tensors) {
      const bytes = new Uint8Array(t.end - t.begin)
      tensors.set(t.name, { dtype: t.dtype, shape: t.shape, bytes })
      for (let at = 0; at < bytes.length; at += chunkBytes) {
        chunks.push({ target: bytes.subarray(at, at + chunkBytes), position: header.dataStart + t.begin + at })
      }
    }
    let pending = chunks[0] ? readExactly(handle, chunks[0].target, chunks[0].position, file) : null
    for (let i = 0; pending; i++) {
      await pending
      const next = chunks[i + 1]
      pending = next ? readExactly(handle, next.target, next.position, file) : null
      hash.update((chunks[i] as (typeof chunks)[number]).target)
    }
    const sha256 = hash.digest('hex')
    if (options.sha256 !== undefined && sha256 !== options.sha256) {
      fail(file, `sha256 is ${sha256} but the manifest says ${options.sha256}`)
    }
    return { metadata: header.metadata, tensors, bytes: fileBytes, sha256 }
  } finally {
    await handle.close()
  }
}

/** The tensor as a Float32Array (no copy); refuses any other dtype, naming the tensor and file. */
export function asFloat32(tensor: LoadedTensor, name: string, file: string): Float32Array {
  if (tensor.dtype !== 'F32') fail(file, `tensor "${name}" is ${tensor.dtype}, expected F32`)
  assertLittleEndianHost()
  return new Float32Array(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength / 4)
}

/** The single value of a scalar (or one-element) I64 tensor as a safe integer. */
export function asSafeInteger(tensor: LoadedTensor, name: string, file: string): number {
  if (tensor.dtype !== 'I64' || tensor.bytes.byteLength !== 8) {
    fail(file, `tensor "${name}" is ${tensor.dtype}[${tensor.shape.join(',')}], expected a scalar I64`)
  }
  const value = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, 8).getBigInt64(0, true)
  if (value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail(file, `tensor "${name}" holds ${value}, beyond a safe integer`)
  }
  return Number(value)
}

/** A rejected file: the message names the file and the fault. */
export function safetensorsError(file: string, fault: string): UserError {
  return new UserError('SAFETENSORS_INVALID', `safetensors ${file}: ${fault}`, CORRUPT_HINT)
}

// --- internal ---

function fail(file: string, fault: string): never {
  throw safetensorsError(file, fault)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (!isPlainObject(value)) fail(file, `${METADATA_KEY} must be an object of strings`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      fail(file, `${METADATA_KEY}.${k} is ${v === null ? 'null' : typeof v}; metadata values must be strings`)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
  }
  return out
}

function parseEntry(name: string, value: unknown, file: string): SafetensorsEntry {
  const what = `tensor ${JSON.stringify(name)}`
  if (!isPlainObject(value)) fail(file, `${what} must be an object with dtype, shape and data_offsets`)
  const extra = Object.keys(value).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets')
  if (extra.length > 0) fail(file, `${what} has unknown field(s) ${extra.join(', ')}`)
  const { dtype, shape, data_offsets: offsets } = value
  if (!isDtype(dtype)) fail(file, `${what} has unknown dtype ${JSON.stringify(dtype)}`)
  if (isSubByte(dtype)) fail(file, `${what} has sub-byte dtype ${dtype}, which this reader does not support`)
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(file, `${what} shape ${JSON.stringify(shape)} must be a list of non-negative integers`)
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) fail(file, `${what} data_offsets must be [begin, end]`)
  const [begin, end] = offsets as unknown[]
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || (begin as number) < 0 || (end as number) < 0) {
    fail(file, `${what} data_offsets ${JSON.stringify(offsets)} overflow or are not non-negative integers`)
  }
  if ((end as number) < (begin as number)) fail(file, `${what} data_offsets [${begin},${end}] end before they begin`)
  return { name, dtype, shape: shape as number[], begin: begin as number, end: end as number }
}

async function readExactly(handle: FileHandle, target: Uint8Array, position: number, file: string): Promise<void> {
  let at = 0
  while (at < target.length) {
    const { bytesRead } = await handle.read(target, at, target.length - at, position + at)
    if (bytesRead === 0) fail(file, `ended early at byte ${position + at} (file changed while reading?)`)
    at += bytesRead
  }
}

function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('BUG: safetensors reading assumes a little-endian host')
}

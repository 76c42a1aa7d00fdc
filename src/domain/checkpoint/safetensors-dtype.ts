/**
 * safetensors element types. `rank` is the position in the reference crate's `Dtype` enum
 * (huggingface/safetensors `safetensors/src/tensor.rs`: "They MUST be in increasing alignment
 * order"); its writer lays tensors out by descending rank, then by name, and so do we.
 */
export const DTYPES = {
  BOOL: { rank: 0, bytes: 1 },
  F4: { rank: 1, bytes: 0 },
  F6_E2M3: { rank: 2, bytes: 0 },
  F6_E3M2: { rank: 3, bytes: 0 },
  U8: { rank: 4, bytes: 1 },
  I8: { rank: 5, bytes: 1 },
  F8_E5M2: { rank: 6, bytes: 1 },
  F8_E4M3: { rank: 7, bytes: 1 },
  F8_E8M0: { rank: 8, bytes: 1 },
  I16: { rank: 9, bytes: 2 },
  U16: { rank: 10, bytes: 2 },
  F16: { rank: 11, bytes: 2 },
  BF16: { rank: 12, bytes: 2 },
  I32: { rank: 13, bytes: 4 },
  U32: { rank: 14, bytes: 4 },
  F32: { rank: 15, bytes: 4 },
  C64: { rank: 16, bytes: 8 },
  F64: { rank: 17, bytes: 8 },
  I64: { rank: 18, bytes: 8 },
  U64: { rank: 19, bytes: 8 },
} as const satisfies Record<string, { rank: number; bytes: number }>

export type Dtype = keyof typeof DTYPES

/** The sub-byte types (F4, F6_*) pack several elements per byte: known, but neither read nor written. */
export function isSubByte(dtype: Dtype): boolean {
  return DTYPES[dtype].bytes === 0
}

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(DTYPES, value)
}

/** The header's size bound, as the reference reader enforces it (`MAX_HEADER_SIZE`). */
export const MAX_HEADER_BYTES = 100_000_000

/** The key holding free-form string metadata; no tensor may use it. */
export const METADATA_KEY = '__metadata__'

/** Number of elements of `shape`, or null when it is not a safe integer (overflow). */
export function elementCount(shape: readonly number[]): number | null {
  let n = 1
  for (const dim of shape) {
    n *= dim
    if (!Number.isSafeInteger(n)) return null
  }
  return n
}

/** Compares two names as the reference writer does: by UTF-8 bytes, not UTF-16 code units. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

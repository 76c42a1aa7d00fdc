import type { LoadedTensor } from '../checkpoint/read-safetensors.ts'

/** Float dtypes a pretrained tensor may have; F16 and BF16 widen to float32 exactly. */
export const WIDENED_DTYPES = ['F32', 'F16', 'BF16'] as const

/**
 * The tensor as float32 values: F32 as is (no copy), BF16 by shifting into the high half,
 * F16 by IEEE half → single conversion (subnormals, infinities and NaN included). Every
 * half-precision value is exactly representable, so nothing is rounded. Undefined for other dtypes.
 */
export function widenToFloat32(tensor: LoadedTensor): Float32Array | undefined {
  const { bytes } = tensor
  if (tensor.dtype === 'F32') return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
  if (tensor.dtype !== 'F16' && tensor.dtype !== 'BF16') return undefined
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2)
  const out = new Float32Array(halves.length)
  if (tensor.dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer)
    for (let i = 0; i < halves.length; i++) bits[i] = (halves[i] as number) << 16
    return out
  }
  for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i] as number)
  return out
}

/** IEEE 754 binary16 bits → its value. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const fraction = h & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24 // zero and subnormals
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

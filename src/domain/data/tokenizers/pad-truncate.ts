/** Which end of a sequence padding is added to, or truncation cuts from. */
export type Side = 'left' | 'right'

/** Keeps at most `maxLength` ids, dropping from the `side` end (default right: keep the start). */
export function truncate(ids: readonly number[], maxLength: number, side: Side = 'right'): number[] {
  checkLength(maxLength, 'maxLength')
  if (ids.length <= maxLength) return [...ids]
  return side === 'right' ? ids.slice(0, maxLength) : ids.slice(ids.length - maxLength)
}

/** Pads with `padId` on the `side` end (default right) up to `length`; longer input is returned as is. */
export function pad(ids: readonly number[], length: number, padId: number, side: Side = 'right'): number[] {
  checkLength(length, 'length')
  const fill = Math.max(0, length - ids.length)
  const padding = new Array<number>(fill).fill(padId)
  return side === 'right' ? [...ids, ...padding] : [...padding, ...ids]
}

export interface PadTruncateOptions {
  /** Every output has exactly this length. */
  maxLength: number
  padId: number
  /** Where padding goes (default right; left suits decoder-only generation). */
  padding?: Side
  /** Which end is cut when too long (default right). */
  truncation?: Side
}

/** Truncates then pads to exactly `maxLength`; `attentionMask` is 1 for real ids, 0 for padding. */
export function padAndTruncate(
  ids: readonly number[],
  options: PadTruncateOptions,
): { ids: number[]; attentionMask: number[] } {
  const cut = truncate(ids, options.maxLength, options.truncation ?? 'right')
  const side = options.padding ?? 'right'
  const mask = pad(new Array<number>(cut.length).fill(1), options.maxLength, 0, side)
  return { ids: pad(cut, options.maxLength, options.padId, side), attentionMask: mask }
}

export interface PadBatchOptions {
  padId: number
  /** Cap on the batch length; sequences are truncated to it (default: no cap). */
  maxLength?: number
  padding?: Side
  truncation?: Side
}

/** Pads a batch to its longest sequence (capped by `maxLength`), with attention masks. */
export function padBatch(
  batch: readonly (readonly number[])[],
  options: PadBatchOptions,
): { ids: number[][]; attentionMask: number[][] } {
  const longest = batch.reduce((m, s) => Math.max(m, s.length), 0)
  const length = options.maxLength === undefined ? longest : Math.min(longest, options.maxLength)
  const ids: number[][] = []
  const attentionMask: number[][] = []
  for (const seq of batch) {
    const out = padAndTruncate(seq, {
      maxLength: length,
      padId: options.padId,
      padding: options.padding,
      truncation: options.truncation,
    })
    ids.push(out.ids)
    attentionMask.push(out.attentionMask)
  }
  return { ids, attentionMask }
}

function checkLength(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`)
}

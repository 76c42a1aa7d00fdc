import { hash } from 'node:crypto'
import { UserError } from '../../foundation/errors/user-error.ts'

/** Split name → fraction of records; fractions in [0, 1] summing to 1. */
export type SplitRatios = Record<string, number>

/** How far the ratios' sum may stray from 1 (configs write 0.8/0.1/0.1). */
const SUM_TOLERANCE = 1e-9
const TWO_POW_48 = 2 ** 48

/**
 * Checks ratios: at least one split, names like `train`, each a finite number in [0, 1], sum 1.
 * `where` names the config field in the error.
 */
export function validateRatios(ratios: unknown, where = 'splits'): SplitRatios {
  if (!ratios || typeof ratios !== 'object' || Array.isArray(ratios) || Object.keys(ratios).length === 0) {
    throw new UserError(
      'DATA_SPLITS',
      `${where} must be an object of split name → ratio`,
      'e.g. {"train": 0.8, "val": 0.1, "test": 0.1}',
    )
  }
  let sum = 0
  for (const [name, value] of Object.entries(ratios)) {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) {
      throw new UserError('DATA_SPLITS', `${where}.${name}: split names are lowercase words`, 'e.g. train, val, test')
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new UserError(
        'DATA_SPLITS',
        `${where}.${name} must be a number in [0, 1], got ${JSON.stringify(value)}`,
        'e.g. 0.1',
      )
    }
    sum += value
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new UserError(
      'DATA_SPLITS',
      `${where} ratios sum to ${sum}, not 1 (${Object.entries(ratios)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`,
      'make them add up to 1, e.g. 0.8/0.1/0.1',
    )
  }
  return ratios as SplitRatios
}

/**
 * Assigns records to splits by hashing (seed, content), never by position: a record lands in the
 * same split however many records are appended or reordered around it, and identical records
 * always share a split (no train/test leakage through duplicates).
 */
export class Splitter {
  readonly seed: number
  /** Split names in the order their intervals are laid out on [0, 1): sorted, so key order in a config does not matter. */
  readonly names: readonly string[]
  private readonly bounds: number[]
  private readonly lastWithShare: number

  constructor(ratios: SplitRatios, seed: number) {
    validateRatios(ratios)
    this.seed = seed >>> 0
    this.names = Object.keys(ratios).sort()
    let acc = 0
    this.bounds = this.names.map((name) => {
      acc += ratios[name] as number
      return acc
    })
    this.lastWithShare = this.names.findLastIndex((name) => (ratios[name] as number) > 0)
  }

  /** The record's point in [0, 1): the first 48 bits of sha256(`<seed>:<content>`) over 2^48. */
  point(content: string): number {
    const digest = hash('sha256', `${this.seed}:${content}`, 'buffer')
    return digest.readUIntBE(0, 6) / TWO_POW_48
  }

  /** The split of a record, given its content (canonical JSON, so formatting does not matter). */
  splitOf(content: string): string {
    const u = this.point(content)
    // Bounds never decrease, so the first bound above u belongs to a split with a share.
    for (let i = 0; i < this.bounds.length; i++) if (u < (this.bounds[i] as number)) return this.names[i] as string
    // Ratios summing to just under 1 leave the top of [0, 1) uncovered: the last split with a share takes it.
    return this.names[this.lastWithShare] as string
  }

  /** Indices of `contents` per split, in input order. */
  assign(contents: Iterable<string>): Record<string, number[]> {
    const out: Record<string, number[]> = {}
    for (const name of this.names) out[name] = []
    let i = 0
    for (const content of contents) (out[this.splitOf(content)] as number[]).push(i++)
    return out
  }
}

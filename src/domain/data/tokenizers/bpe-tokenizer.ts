import { UserError } from '../../../foundation/errors/user-error.ts'
import { canonicalJson, sha256Hex } from '../../../foundation/json/canonical-json.ts'
import { BYTE_VOCAB, countPieces, learnMerges, PAIR_BASE } from './_bpe-train.ts'
import { forEachPiece } from './pretokenize.ts'
import { finishEncoding, type SpecialTable, specialTable } from './special-tokens.ts'
import {
  DEFAULT_SPECIAL_TOKENS,
  type DecodeOptions,
  type EncodeOptions,
  type SpecialTokenIds,
  type SpecialTokenStrings,
  type Tokenizer,
} from './tokenizer.ts'
import { decodeWtf8, encodeWtf8 } from './wtf8.ts'

export { BYTE_VOCAB }
/** Largest vocabulary a BpeTokenizer supports. */
export const MAX_BPE_VOCAB = PAIR_BASE
/** Pieces whose ids are remembered by `encode`; the cache is cleared when it fills. */
const CACHE_LIMIT = 200_000

export interface BpeTrainOptions {
  /** Target vocabulary: 256 byte ids + merges + special tokens. Training stops early when no pair is frequent enough. */
  vocabSize: number
  /** Special tokens by role (default bos/eos/pad); numbered after the merges. */
  specialTokens?: SpecialTokenStrings
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number
}

/** Serialized form, read back by `loadTokenizer`. */
export interface BpeTokenizerJson {
  type: 'bpe'
  version: 1
  pretokenizer: 'gpt2'
  /** Merges in rank order, flattened: merge r joins ids merges[2r], merges[2r+1] into id 256 + r. */
  merges: number[]
  special_tokens: SpecialTokenStrings
}

/**
 * Byte-level BPE (Sennrich et al. 2016, GPT-2 variant): text → GPT-2 pre-tokenizer pieces →
 * WTF-8 bytes (ids 0..255) → merges applied lowest rank first. Because every JS string has one
 * WTF-8 byte form (lone surrogates included, see wtf8.ts), `decode(encode(s)) === s` for every
 * string. Special tokens are never produced from text: `"<|eos|>"` in the input is encoded as
 * ordinary bytes; use `encode(text, { addEos: true })` for the token.
 */
export class BpeTokenizer implements Tokenizer {
  readonly id: string
  readonly vocabSize: number
  readonly specialTokens: Readonly<SpecialTokenIds>
  /** Number of merges (regular vocabulary = 256 + merges). */
  readonly mergeCount: number
  private readonly merges: Uint32Array
  private readonly ranks = new Map<number, number>()
  private readonly bytesOf: Uint8Array[]
  private readonly special: SpecialTable
  private readonly cache = new Map<string, number[]>()

  constructor(merges: ArrayLike<number>, specialTokens: SpecialTokenStrings = DEFAULT_SPECIAL_TOKENS) {
    if (merges.length % 2 !== 0) {
      throw new UserError(
        'TOKENIZER_MERGES',
        `BpeTokenizer: merges has odd length ${merges.length}`,
        'merges are pairs',
      )
    }
    this.mergeCount = merges.length / 2
    this.merges = Uint32Array.from(merges as ArrayLike<number>)
    this.bytesOf = Array.from({ length: BYTE_VOCAB }, (_, b) => Uint8Array.of(b))
    for (let r = 0; r < this.mergeCount; r++) {
      const a = merges[2 * r] as number
      const b = merges[2 * r + 1] as number
      const id = BYTE_VOCAB + r
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= id || b >= id) {
        throw new UserError(
          'TOKENIZER_MERGES',
          `BpeTokenizer: merge ${r} joins ids ${a} and ${b}; both must be existing ids below ${id}`,
          'the tokenizer JSON is corrupt: retrain it with BpeTokenizer.train',
        )
      }
      const key = a * PAIR_BASE + b
      if (this.ranks.has(key)) {
        throw new UserError('TOKENIZER_MERGES', `BpeTokenizer: merge ${r} repeats pair (${a}, ${b})`, 'retrain it')
      }
      this.ranks.set(key, r)
      const left = this.bytesOf[a] as Uint8Array
      const right = this.bytesOf[b] as Uint8Array
      const joined = new Uint8Array(left.length + right.length)
      joined.set(left)
      joined.set(right, left.length)
      this.bytesOf.push(joined)
    }
    this.special = specialTable(specialTokens, BYTE_VOCAB + this.mergeCount, 'BpeTokenizer')
    this.specialTokens = this.special.ids
    this.vocabSize = BYTE_VOCAB + this.mergeCount + this.special.byId.size
    if (this.vocabSize > MAX_BPE_VOCAB) {
      throw new UserError('TOKENIZER_VOCAB', `BpeTokenizer: vocabulary ${this.vocabSize} exceeds ${MAX_BPE_VOCAB}`)
    }
    this.id = `bpe:${sha256Hex(canonicalJson(this.toJSON())).slice(0, 8)}`
  }

  /**
   * Learns merges from `texts`: counts pre-tokenizer pieces, then repeatedly merges the most
   * frequent adjacent pair (ties → smallest ids), updating counts incrementally.
   */
  static train(texts: Iterable<string>, options: BpeTrainOptions): BpeTokenizer {
    const specialTokens = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS
    const specials = Object.keys(specialTokens).length
    const minFrequency = options.minFrequency ?? 2
    const { vocabSize } = options
    if (!Number.isInteger(vocabSize) || vocabSize < BYTE_VOCAB + specials || vocabSize > MAX_BPE_VOCAB) {
      throw new UserError(
        'TOKENIZER_VOCAB',
        `BpeTokenizer.train: vocabSize must be an integer in ${BYTE_VOCAB + specials}..${MAX_BPE_VOCAB} (256 bytes + ${specials} special tokens + merges), got ${vocabSize}`,
        'e.g. vocabSize 4096',
      )
    }
    const target = vocabSize - BYTE_VOCAB - specials
    const merges = learnMerges(countPieces(texts), target, Math.max(1, minFrequency))
    return new BpeTokenizer(merges, specialTokens)
  }

  static fromJSON(json: BpeTokenizerJson): BpeTokenizer {
    return new BpeTokenizer(json.merges, json.special_tokens)
  }

  encode(text: string, options?: EncodeOptions): number[] {
    const ids: number[] = []
    forEachPiece(text, (piece) => {
      const cached = this.cache.get(piece)
      if (cached) {
        for (const id of cached) ids.push(id)
        return
      }
      const pieceIds = this.encodePiece(encodeWtf8(piece))
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
      this.cache.set(piece, pieceIds)
      for (const id of pieceIds) ids.push(id)
    })
    return finishEncoding(ids, this.special, options, 'BpeTokenizer')
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    let out = ''
    let total = 0
    const parts: Uint8Array[] = []
    const flush = () => {
      if (parts.length === 0) return
      const bytes = new Uint8Array(total)
      let at = 0
      for (const p of parts) {
        bytes.set(p, at)
        at += p.length
      }
      out += decodeWtf8(bytes)
      parts.length = 0
      total = 0
    }
    for (const id of ids) {
      const bytes = this.bytesOf[id]
      if (bytes) {
        parts.push(bytes)
        total += bytes.length
        continue
      }
      const special = this.special.byId.get(id)
      if (special === undefined) throw new Error(`BpeTokenizer.decode: id ${id} is outside 0..${this.vocabSize - 1}`)
      flush()
      if (!options.skipSpecialTokens) out += special
    }
    flush()
    return out
  }

  /** The bytes a regular token stands for (undefined for special or unknown ids). */
  tokenBytes(id: number): Uint8Array | undefined {
    return this.bytesOf[id]
  }

  toJSON(): BpeTokenizerJson {
    return {
      type: 'bpe',
      version: 1,
      pretokenizer: 'gpt2',
      merges: Array.from(this.merges),
      special_tokens: { ...this.special.strings },
    }
  }

  /** Applies merges to one piece's bytes, lowest rank first, each rank left to right. */
  private encodePiece(bytes: Uint8Array): number[] {
    let ids: number[] = Array.from(bytes)
    while (ids.length > 1) {
      let best = Number.POSITIVE_INFINITY
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.ranks.get((ids[i] as number) * PAIR_BASE + (ids[i + 1] as number))
        if (r !== undefined && r < best) best = r
      }
      if (best === Number.POSITIVE_INFINITY) break
      const a = this.merges[2 * best] as number
      const b = this.merges[2 * best + 1] as number
      const merged: number[] = []
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          merged.push(BYTE_VOCAB + best)
          i++
        } else merged.push(ids[i] as number)
      }
      ids = merged
    }
    return ids
  }
}

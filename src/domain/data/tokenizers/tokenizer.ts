import type { Side } from './pad-truncate.ts'

/** Roles a special token can play; each tokenizer maps the roles it has to ids and strings. */
export type SpecialRole = 'bos' | 'eos' | 'pad' | 'unk'

/** Special-token ids by role, for the roles a tokenizer defines. */
export type SpecialTokenIds = Partial<Record<SpecialRole, number>>

/** Special-token strings by role, as given to a tokenizer's constructor or `train`. */
export type SpecialTokenStrings = Partial<Record<SpecialRole, string>>

/** The special tokens a tokenizer gets when none are given: bos, eos and pad. */
export const DEFAULT_SPECIAL_TOKENS: SpecialTokenStrings = { bos: '<|bos|>', eos: '<|eos|>', pad: '<|pad|>' }

export interface EncodeOptions {
  /** Prepend the bos token (default false; throws when the tokenizer has none). */
  addBos?: boolean
  /** Append the eos token (default false; throws when the tokenizer has none). */
  addEos?: boolean
  /**
   * At most this many ids, bos and eos included (default: no limit). Longer text is cut from the
   * `truncation` end before bos/eos are added, so they stay (Hugging Face tokenizers do the same).
   */
  maxLength?: number
  /** Which end is cut when the text is longer than maxLength (default right: keep the start; left keeps the end, e.g. a prompt). */
  truncation?: Side
  /** Pad with the pad token up to exactly maxLength on this side (default: no padding; throws when the tokenizer has no pad). */
  padding?: Side
}

export interface DecodeOptions {
  /** Leave special tokens out instead of writing their strings (default false). */
  skipSpecialTokens?: boolean
}

/** What every tokenizer offers: the contract between src/domain/data and src/domain/train. */
export interface Tokenizer {
  /** Stable id, e.g. `char:<sha8>` or `bpe:<sha8>`; recorded in manifests and checkpoints. */
  readonly id: string
  readonly vocabSize: number
  /** Ids of the special tokens this tokenizer defines (bos, eos, pad, unk). */
  readonly specialTokens?: Readonly<SpecialTokenIds>
  encode(text: string, options?: EncodeOptions): number[]
  decode(ids: readonly number[], options?: DecodeOptions): string
  /** JSON that `loadTokenizer` (src/domain/data) turns back into an equal tokenizer. */
  toJSON(): unknown
}

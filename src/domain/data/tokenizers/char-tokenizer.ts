import { UserError } from '../../../foundation/errors/user-error.ts'
import { canonicalJson, sha256Hex } from '../../../foundation/json/canonical-json.ts'
import { finishEncoding, type SpecialTable, specialTable } from './special-tokens.ts'
import {
  DEFAULT_SPECIAL_TOKENS,
  type DecodeOptions,
  type EncodeOptions,
  type SpecialTokenIds,
  type SpecialTokenStrings,
  type Tokenizer,
} from './tokenizer.ts'

/** Serialized form, read back by `loadTokenizer`. */
export interface CharTokenizerJson {
  type: 'char'
  version: 1
  /** Vocabulary in id order: one code point per entry (a lone surrogate is its own entry). */
  chars: string[]
  special_tokens: SpecialTokenStrings
}

/**
 * Character-level tokenizer for the smallest smoke model: one id per code point seen in the
 * corpus, sorted by code point (lone surrogates count as code points), then the special tokens.
 * A character outside the vocabulary maps to `unk` when there is one, else encode throws.
 */
export class CharTokenizer implements Tokenizer {
  readonly id: string
  readonly vocabSize: number
  readonly specialTokens: Readonly<SpecialTokenIds>
  readonly chars: readonly string[]
  private readonly index: Map<string, number>
  private readonly special: SpecialTable

  constructor(chars: readonly string[], specialTokens: SpecialTokenStrings = DEFAULT_SPECIAL_TOKENS) {
    const index = new Map<string, number>()
    chars.forEach((ch, i) => {
      if ([...ch].length !== 1 || index.has(ch)) {
        throw new UserError(
          'TOKENIZER_CHARS',
          `CharTokenizer: entry ${i} (${JSON.stringify(ch)}) must be one code point, unique`,
          'build it with CharTokenizer.fromCorpus(texts)',
        )
      }
      index.set(ch, i)
    })
    this.chars = [...chars]
    this.index = index
    this.special = specialTable(specialTokens, chars.length, 'CharTokenizer')
    this.specialTokens = this.special.ids
    this.vocabSize = chars.length + this.special.byId.size
    this.id = `char:${sha256Hex(canonicalJson(this.toJSON())).slice(0, 8)}`
  }

  /** A tokenizer over every code point in `texts`, sorted by code point. */
  static fromCorpus(texts: Iterable<string>, options: { specialTokens?: SpecialTokenStrings } = {}): CharTokenizer {
    const seen = new Set<string>()
    for (const text of texts) for (const ch of text) seen.add(ch)
    const chars = [...seen].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number))
    return new CharTokenizer(chars, options.specialTokens ?? DEFAULT_SPECIAL_TOKENS)
  }

  static fromJSON(json: CharTokenizerJson): CharTokenizer {
    return new CharTokenizer(json.chars, json.special_tokens)
  }

  encode(text: string, options?: EncodeOptions): number[] {
    const ids: number[] = []
    let offset = 0
    for (const ch of text) {
      const id = this.index.get(ch)
      if (id !== undefined) ids.push(id)
      else if (this.special.ids.unk !== undefined) ids.push(this.special.ids.unk)
      else {
        const cp = (ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')
        throw new UserError(
          'TOKENIZER_UNKNOWN_CHAR',
          `CharTokenizer ${this.id}: U+${cp} at index ${offset} is not in its ${this.chars.length}-character vocabulary`,
          'build the tokenizer from a corpus that contains it, or give it an unk special token',
        )
      }
      offset += ch.length
    }
    return finishEncoding(ids, this.special, options, 'CharTokenizer')
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    let out = ''
    for (const id of ids) {
      const ch = this.chars[id]
      if (ch !== undefined) out += ch
      else {
        const special = this.special.byId.get(id)
        if (special === undefined) throw new Error(`CharTokenizer.decode: id ${id} is outside 0..${this.vocabSize - 1}`)
        if (!options.skipSpecialTokens) out += special
      }
    }
    return out
  }

  toJSON(): CharTokenizerJson {
    return { type: 'char', version: 1, chars: [...this.chars], special_tokens: { ...this.special.strings } }
  }
}

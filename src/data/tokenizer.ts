/** What every tokenizer offers: the contract between src/data and src/train. */
export interface Tokenizer {
  /** Stable id, e.g. `char:<sha8>` or `bpe:<sha8>`; recorded in manifests and checkpoints. */
  readonly id: string
  readonly vocabSize: number
  encode(text: string): number[]
  decode(ids: readonly number[]): string
  /** JSON that `loadTokenizer` (src/data) turns back into an equal tokenizer. */
  toJSON(): unknown
}

import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import { sha256Hex } from '../../foundation/json/canonical-json.ts'
import { CharTokenizer } from '../data/tokenizers/char-tokenizer.ts'

/** A tokenized text corpus split into a train head and a val tail (nanoGPT's shakespeare_char prepare). */
export interface TextData {
  path: string
  /** sha256 of the corpus bytes. */
  sha256: string
  tokenizer: CharTokenizer
  train: Int32Array
  val: Int32Array
}

/**
 * Reads a UTF-8 corpus, builds a character tokenizer over all of it, and splits the token
 * stream: the first (1 − valFraction) for training, the rest for eval. Each split must hold at
 * least one window of `blockSize` + 1 tokens.
 */
export function loadTextData(path: string, valFraction: number, blockSize: number): TextData {
  if (!existsSync(path)) {
    throw new UserError(
      'DATA_NOT_FOUND',
      `dataset ${path} does not exist`,
      'set "dataset" in the config (or --set dataset=…) to a UTF-8 text file, e.g. configs/corpus/fables.txt',
    )
  }
  if (statSync(path).isDirectory()) {
    throw new UserError(
      'DATA_NOT_FILE',
      `dataset ${path} is a folder, not a text file`,
      `set "dataset" in the config (or --set dataset=…) to one UTF-8 text file, e.g. ${join(path, '<corpus>.txt')} or configs/corpus/fables.txt`,
    )
  }
  const bytes = readFileSync(path)
  const text = bytes.toString('utf8')
  const tokenizer = CharTokenizer.fromCorpus([text])
  const ids = Int32Array.from(tokenizer.encode(text))
  const cut = Math.floor(ids.length * (1 - valFraction))
  const data: TextData = {
    path,
    sha256: sha256Hex(bytes),
    tokenizer,
    train: ids.subarray(0, cut),
    val: ids.subarray(cut),
  }
  for (const [split, tokens] of [
    ['train', data.train],
    ['val', data.val],
  ] as const) {
    if (tokens.length < blockSize + 1) {
      throw new UserError(
        'DATA_TOO_SMALL',
        `dataset ${path}: the ${split} split has ${tokens.length} tokens, fewer than block_size + 1 = ${blockSize + 1}`,
        'use a larger corpus, a smaller block_size, or a different val_fraction',
      )
    }
  }
  return data
}

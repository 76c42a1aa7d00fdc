import { UserError } from '../../../foundation/errors/user-error.ts'
import type { DatasetConfig } from '../dataset-config.ts'
import { BpeTokenizer } from './bpe-tokenizer.ts'
import { CharTokenizer } from './char-tokenizer.ts'
import { loadTokenizerFile } from './load-tokenizer.ts'
import type { Tokenizer } from './tokenizer.ts'

/** The tokenizer a dataset config asks for: trained on `trainTexts` (bpe), over `alphabet` (char), or loaded (file). */
export function buildDatasetTokenizer(config: DatasetConfig, trainTexts: string[], alphabet: Set<string>): Tokenizer {
  const tok = config.tokenizer
  if (!tok) throw new Error('BUG: buildTokenizer without a tokenizer config')
  if (tok.kind === 'file') return loadTokenizerFile(tok.path)
  if (tok.kind === 'char') {
    const chars = [...alphabet].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number))
    return tok.special_tokens ? new CharTokenizer(chars, tok.special_tokens) : new CharTokenizer(chars)
  }
  return BpeTokenizer.train(trainTexts, {
    vocabSize: tok.vocab_size,
    specialTokens: tok.special_tokens,
    minFrequency: tok.min_frequency,
  })
}

/** The text the tokenizer learns from: the configured fields joined by a newline. */
export function recordText(value: unknown, fields: string[], file: string, line: number): string {
  const parts: string[] = []
  for (const field of fields) {
    const v = (value as Record<string, unknown>)[field]
    if (typeof v !== 'string') {
      throw new UserError(
        'DATA_TEXT_FIELD',
        `${file}:${line} /${field}: text_fields names "${field}" but the record has ${v === undefined ? 'no such field' : `a ${typeof v}`}`,
        'set "text_fields" in the dataset config to string fields of the record schema',
      )
    }
    parts.push(v)
  }
  return parts.join('\n')
}

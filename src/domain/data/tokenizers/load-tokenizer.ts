import { readFileSync } from 'node:fs'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { canonicalJson, sha256Hex } from '../../../foundation/json/canonical-json.ts'
import { BpeTokenizer, type BpeTokenizerJson } from './bpe-tokenizer.ts'
import { CharTokenizer, type CharTokenizerJson } from './char-tokenizer.ts'
import type { SpecialTokenStrings, Tokenizer } from './tokenizer.ts'

/** Rebuilds a tokenizer from its `toJSON()` (parsed object or JSON text). `where` names the source in errors. */
export function loadTokenizer(json: unknown, where = 'tokenizer JSON'): CharTokenizer | BpeTokenizer {
  let value = json
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch (error) {
      throw new UserError(
        'TOKENIZER_JSON',
        `${where}: not JSON (${(error as Error).message})`,
        'save it with tokenizer.toJSON()',
      )
    }
  }
  if (!value || typeof value !== 'object') {
    throw new UserError(
      'TOKENIZER_JSON',
      `${where}: expected an object with a "type" field`,
      'save it with tokenizer.toJSON()',
    )
  }
  const obj = value as Record<string, unknown>
  if (obj.version !== 1) {
    throw new UserError(
      'TOKENIZER_JSON',
      `${where}: version must be 1, got ${JSON.stringify(obj.version)}`,
      'retrain the tokenizer with this version',
    )
  }
  const specials = checkSpecials(obj.special_tokens, where)
  if (obj.type === 'bpe') {
    if (obj.pretokenizer !== 'gpt2') {
      throw new UserError(
        'TOKENIZER_JSON',
        `${where}: pretokenizer must be "gpt2", got ${JSON.stringify(obj.pretokenizer)}`,
      )
    }
    if (!Array.isArray(obj.merges) || obj.merges.some((m) => typeof m !== 'number')) {
      throw new UserError(
        'TOKENIZER_JSON',
        `${where}: merges must be an array of ids`,
        'retrain it with BpeTokenizer.train',
      )
    }
    return BpeTokenizer.fromJSON({ ...(obj as unknown as BpeTokenizerJson), special_tokens: specials })
  }
  if (obj.type === 'char') {
    if (!Array.isArray(obj.chars) || obj.chars.some((c) => typeof c !== 'string')) {
      throw new UserError(
        'TOKENIZER_JSON',
        `${where}: chars must be an array of strings`,
        'rebuild it with CharTokenizer.fromCorpus',
      )
    }
    return CharTokenizer.fromJSON({ ...(obj as unknown as CharTokenizerJson), special_tokens: specials })
  }
  throw new UserError('TOKENIZER_JSON', `${where}: type must be "bpe" or "char", got ${JSON.stringify(obj.type)}`)
}

/** Reads and loads a tokenizer JSON file, naming the file in every error. */
export function loadTokenizerFile(path: string): CharTokenizer | BpeTokenizer {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(
      'TOKENIZER_FILE',
      `cannot read tokenizer ${path}: ${(error as NodeJS.ErrnoException).code}`,
      'check the path in the config',
    )
  }
  return loadTokenizer(text, path)
}

/** sha256 of the tokenizer's canonical JSON: what manifests and checkpoints record as its hash. */
export function tokenizerSha256(tokenizer: Tokenizer): string {
  return sha256Hex(canonicalJson(tokenizer.toJSON()))
}

function checkSpecials(value: unknown, where: string): SpecialTokenStrings {
  if (value === undefined) return {}
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError('TOKENIZER_JSON', `${where}: special_tokens must be an object of role → string`)
  }
  return value as SpecialTokenStrings
}

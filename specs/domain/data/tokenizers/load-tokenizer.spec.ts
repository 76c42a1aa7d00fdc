import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { CharTokenizer } from '../../../../src/domain/data/tokenizers/char-tokenizer.ts'
import {
  loadTokenizer,
  loadTokenizerFile,
  tokenizerSha256,
} from '../../../../src/domain/data/tokenizers/load-tokenizer.ts'
import { tempDir } from '../../../support/temp-dir.ts'

describe('loadTokenizer()', () => {
  test('names the problem with the JSON', () => {
    expect(() => loadTokenizer('{', 'tok.json')).toThrow(/tok\.json: not JSON/)
    expect(() => loadTokenizer(null)).toThrow(/expected an object with a "type" field/)
    expect(() => loadTokenizer({ type: 'bpe', version: 2 })).toThrow(/version must be 1, got 2/)
    expect(() => loadTokenizer({ type: 'wordpiece', version: 1 })).toThrow(
      /type must be "bpe" or "char", got "wordpiece"/,
    )
    expect(() => loadTokenizer({ type: 'bpe', version: 1, pretokenizer: 'gpt4' })).toThrow(
      /pretokenizer must be "gpt2"/,
    )
    expect(() => loadTokenizer({ type: 'bpe', version: 1, pretokenizer: 'gpt2', merges: ['a'] })).toThrow(
      /merges must be an array of ids/,
    )
    expect(() => loadTokenizer({ type: 'char', version: 1, chars: [1] })).toThrow(/chars must be an array of strings/)
    expect(() => loadTokenizer({ type: 'char', version: 1, chars: [], special_tokens: [] })).toThrow(
      /special_tokens must be an object/,
    )
  })

  test('loads files and hashes tokenizers by canonical JSON', () => {
    const dir = tempDir()
    const tok = CharTokenizer.fromCorpus(['abc'])
    const path = join(dir, 'tok.json')
    writeFileSync(path, JSON.stringify(tok.toJSON()))
    const back = loadTokenizerFile(path)
    expect(tokenizerSha256(back)).toBe(tokenizerSha256(tok))
    expect(tok.id).toBe(`char:${tokenizerSha256(tok).slice(0, 8)}`)
    expect(() => loadTokenizerFile(join(dir, 'missing.json'))).toThrow(/cannot read tokenizer .*missing\.json: ENOENT/)
  })
})

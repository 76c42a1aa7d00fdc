import { describe, expect, test } from 'vitest'
import { randomString } from '../../../../src/domain/gates/secrets/fake-secrets.ts'
import { ML_FAKE_SECRETS } from '../../../../src/domain/gates/secrets/ml-fake-secrets.ts'
import {
  identifierAfterPrefix,
  looksLikeIdentifier,
  notAKeyValue,
} from '../../../../src/domain/gates/secrets/ml-secret-rules.ts'
import { scanSecretsInText } from '../../../../src/domain/gates/secrets/secrets.ts'
import { Prng } from '../../../../src/foundation/random/prng.ts'
import { redactText } from '../../../../src/foundation/redact/redact.ts'

const OPTIONS = { entropyThreshold: 3.5, minLength: 12 }
const HEX = '0123456789abcdef'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const rng = () => Prng.fromSeed(42)
const hex = (n: number) => randomString(rng(), HEX, n)
const alnum = (n: number) => randomString(rng(), ALNUM, n)
const letters = (n: number) => randomString(rng(), ALNUM.slice(0, 52), n)

describe('ML secret rules', () => {
  test.each(Object.keys(ML_FAKE_SECRETS))('finds a planted %s with its line, and the redactor masks it', (kind) => {
    for (const seed of [1, 2, 3]) {
      const fake = (ML_FAKE_SECRETS[kind] as (r: Prng) => { rule: string; secret: string; text: string; file: string })(
        Prng.fromSeed(seed),
      )
      const hits = scanSecretsInText(`first line\n\n${fake.text}last line\n`, fake.file, OPTIONS)
      expect(hits.map((h) => [h.rule, h.line, h.secret])).toEqual([[fake.rule, 3, fake.secret]])
      expect(redactText(fake.text, [])).not.toContain(fake.secret)
    }
  })

  // Near misses: one character short or long, a wrong prefix, an identifier, a placeholder, a
  // revision or digest next to the keyword, the value without its keyword.
  test.each([
    ['short Hugging Face token', `login --token ${'hf_'}${letters(33)}`, 'x.sh'],
    ['long Hugging Face token', `login --token ${'hf_'}${letters(35)}`, 'x.sh'],
    ['identifier after hf_', `${'hf_'}loadPretrainedWeightsFromConfigFil = 1`, 'x.py'],
    ['hf_ glued to a word', `x${'hf_'}${letters(34)}`, 'x.py'],
    ['Hugging Face placeholder', `token = "${'hf_'}${'x'.repeat(34)}"`, 'x.py'],
    ['org placeholder', `${'api_org_'}${'X'.repeat(34)}`, 'x.md'],
    ['Java constant', 'public static final String API_ORG_EXIST = "APIOrganizationExist";', 'X.java'],
    ['short Replicate token', `REPLICATE=${'r8_'}${alnum(36)}`, 'x.sh'],
    ['wrong Replicate prefix', `REPLICATE=${'r9_'}${alnum(37)}`, 'x.sh'],
    ['Groq placeholder', `GSK_API_KEY=${'gsk_'}${'x'.repeat(48)}`, 'x.sh'],
    ['short Together key', `key: ${'tgp_v1_'}${alnum(42)}`, 'x.md'],
    ['W&B install pinned to a commit', `pip install git+https://github.com/wandb/wandb.git@${hex(40)}`, 'x.sh'],
    ['W&B commit in a log', `wandb: Syncing run, commit ${hex(40)}`, 'x.log'],
    ['W&B short key', `WANDB_API_KEY=${hex(39)}`, 'x.sh'],
    ['W&B key-shaped hex without the keyword', `CHECKPOINT_ID=${hex(40)}`, 'x.sh'],
    ['W&B zero key', `WANDB_API_KEY=${'0'.repeat(40)}`, 'x.sh'],
    ['short Kaggle token', `KAGGLE_API_TOKEN=${'KGAT_'}${hex(31)}`, 'x.sh'],
    ['kaggle.json placeholder', '{"username":"ada","key":"YOUR_KAGGLE_KEY"}', 'kaggle.json'],
    ['a "key" digest in other JSON', `{"name":"ada","key":"${hex(32)}"}`, 'x.json'],
    ['Cohere next to a commit hash', `pip install cohere==5.0 @ ${hex(40)}`, 'x.sh'],
    ['Cohere next to words', 'cohere: CohereClientRerankerForDocumentsAndMore', 'x.yaml'],
    ['Cohere placeholder', `CO_API_KEY=${'x'.repeat(40)}`, 'x.sh'],
    ['Mistral model revision (md5)', `model = "mistralai/Mistral-7B", revision="${hex(32)}"`, 'x.py'],
    ['Mistral class name', 'from mistral import MistralForCausalLMWithValueHeadX', 'x.py'],
    ['Comet camelCase name', 'from comet_ml import CometLoggerCallbackHandle', 'x.py'],
    [
      'Neptune token with a placeholder key',
      `api_token="${Buffer.from(JSON.stringify({ api_address: 'https://app.neptune.ai', api_key: 'YOUR_API_KEY' })).toString('base64')}"`,
      'x.py',
    ],
    [
      'Neptune-looking base64 without an api_key',
      `api_token="${Buffer.from(JSON.stringify({ api_address: 'https://app.neptune.ai', other: 'value-x' })).toString('base64')}"`,
      'x.py',
    ],
  ])('%s is not reported by an ML rule', (_name, line, file) => {
    // A secret-named variable may still be the generic rule's business (`WANDB_API_KEY=<39 hex>` is a secret).
    const ml = scanSecretsInText(`${line}\n`, file, OPTIONS).filter((h) => h.rule !== 'generic-secret')
    expect(ml).toEqual([])
  })

  test('a kaggle.json with the key first, and a KAGGLE_KEY assignment, are found', () => {
    const key = hex(32)
    const hits = (text: string, file: string) => scanSecretsInText(text, file, OPTIONS).map((h) => [h.rule, h.secret])
    expect(hits(`{"key": "${key}", "username": "ada"}`, 'kaggle.json')).toEqual([['kaggle-key', key]])
    expect(hits(`KAGGLE_KEY=${key}\n`, 'run.sh')).toEqual([['kaggle-key', key]])
  })

  test('a W&B key after wandb.login(key=…) or in a netrc-style line is found', () => {
    const key = hex(40)
    const rules = (text: string) => scanSecretsInText(text, 'train.py', OPTIONS).map((h) => h.rule)
    expect(rules(`wandb.login(key="${key}")\n`)).toEqual(['wandb-api-key'])
    expect(rules(`os.environ["WANDB_API_KEY"] = "${key}"\n`)).toEqual(['wandb-api-key'])
  })
})

describe('identifierAfterPrefix()', () => {
  test('camelCase or lowercase words after the prefix are identifiers; random letters are not', () => {
    expect(identifierAfterPrefix(`${'hf_'}loadPretrainedWeightsFromConfigFil`)).toBe('identifier, not a token')
    expect(identifierAfterPrefix(`${'hf_'}${'abcdefghij'.repeat(3)}abcd`)).toBe('identifier, not a token')
    expect(identifierAfterPrefix(`${'hf_'}jCBaQngSHiHDRYOcsMcifUcysGyaiybUWz`)).toBeUndefined()
  })
})

describe('looksLikeIdentifier()', () => {
  test.each([
    ['MistralForCausalLMWithValueHead', true],
    ['CometLoggerCallbackHandle', true],
    ['loadpretrainedweights', true],
    ['jCBaQngSHiHDRYOcsMcifUcysGyaiybUWz', false],
    ['x7PX0fac8a2GW2fgnNqdtqIwMQvFbrL6E7lKrKOv', false],
  ])('%s → %s', (value, expected) => {
    expect(looksLikeIdentifier(value)).toBe(expected)
  })

  test('random letters are almost never identifier-like (fewer than 1 in 2 000 of 20 000 draws)', () => {
    const r = Prng.fromSeed(5)
    let hits = 0
    for (let i = 0; i < 20_000; i++) if (looksLikeIdentifier(randomString(r, ALNUM.slice(0, 52), 34))) hits++
    expect(hits).toBeLessThan(10)
  })
})

describe('notAKeyValue()', () => {
  test('says why a keyword-window value is not a key', () => {
    const strict = { minEntropy: 3.5, mixed: true }
    expect(notAKeyValue(hex(32), strict)).toBe('hex digest')
    expect(notAKeyValue('MistralForCausalLMWithValueHead', strict)).toBe('word or number')
    expect(notAKeyValue('ABCDEFGHJKLMNPQRSTUVWXYZABCDEFGH', strict)).toBe('word or number')
    expect(notAKeyValue('x'.repeat(32), strict)).toBe('word or number')
    expect(notAKeyValue('qZ12'.repeat(8), strict)).toMatch(/^entropy /)
    expect(notAKeyValue(alnum(32), strict)).toBeUndefined()
  })
})

import { shannonEntropy } from './entropy.ts'
import { lowEntropy, placeholder, placeholderShape } from './secret-filters.ts'
import type { DetectOptions, LineHit, SecretRule } from './secret-rule.ts'

/**
 * The secrets gate's rules for ML platforms: Hugging Face, Weights & Biases, Replicate, Groq,
 * Together, Kaggle, Cohere, Mistral, Comet and Neptune. Shapes live in the shared SECRET_PATTERNS
 * (so the redactor masks them too); `fromPattern` turns one into a rule, and this module adds what
 * each needs to stay quiet on look-alikes (identifiers, commit hashes, digests, decoded content).
 */
export function mlSecretRules(fromPattern: (id: string) => SecretRule): SecretRule[] {
  const prefixed = (id: string, extra?: (secret: string) => string | undefined): SecretRule => {
    const rule = fromPattern(id)
    return { ...rule, reject: (secret, options) => rule.reject?.(secret, options) ?? extra?.(secret) }
  }
  return [
    prefixed('huggingface-token', identifierAfterPrefix),
    prefixed('huggingface-org-token', identifierAfterPrefix),
    prefixed('replicate-token'),
    prefixed('groq-key'),
    prefixed('together-key'),
    prefixed('wandb-key'),
    prefixed('kaggle-token'),
    neptuneRule(fromPattern('neptune-token')),
    keywordRule(fromPattern('wandb-api-key'), { minEntropy: 3 }),
    keywordRule(fromPattern('kaggle-key'), { minEntropy: 3 }),
    keywordRule(fromPattern('cohere-key'), { minEntropy: 4, mixed: true }),
    keywordRule(fromPattern('mistral-key'), { minEntropy: 3.5, mixed: true }),
    keywordRule(fromPattern('comet-key'), { minEntropy: 3.5, mixed: true }),
  ]
}

/** `hf_loadPretrainedWeightsFromConfigs`: camelCase or lowercase words, not 34 random letters. */
export function identifierAfterPrefix(secret: string): string | undefined {
  return looksLikeIdentifier(secret.replace(/^(?:hf_|api_org_)/, '')) ? 'identifier, not a token' : undefined
}

/**
 * Words run together (`MistralForCausalLMWithValueHead`, `loadpretrained`, `CONSTANTNAME`): its
 * camelCase pieces are mostly words with a vowel or short acronyms, 4+ characters on average,
 * and vowels make 30% of it, as in English. Random letters split into short vowel-poor pieces:
 * 11 in 100 000 random 34-letter strings pass (measured), so a real token is rarely let go.
 */
export function looksLikeIdentifier(value: string): boolean {
  if (/^[a-z]+$|^[A-Z]+$/.test(value)) return true
  const pieces = value.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []
  if (pieces.length === 0) return false
  const words = pieces.filter((w) => (/^[A-Z]?[a-z]{2,}$/.test(w) && /[aeiouy]/i.test(w)) || /^[A-Z]{2,4}$/.test(w))
  const vowels = (value.match(/[aeiouy]/gi) ?? []).length
  return words.length / pieces.length >= 0.8 && value.length / pieces.length >= 4 && vowels / value.length >= 0.3
}

/** Why a value found next to a provider keyword is not that provider's key, or undefined. */
export function notAKeyValue(value: string, options: { minEntropy: number; mixed?: boolean }): string | undefined {
  if (/^[0-9a-f]+$/i.test(value) && options.mixed) return 'hex digest'
  if (/^\d+$/.test(value) || looksLikeIdentifier(value)) return 'word or number'
  if (options.mixed && [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(value)).length < 2) {
    return 'one character class'
  }
  // Only shapes: word checks would hit random keys (`…7Test9…`); placeholders with words (`YOUR_KEY`) never match.
  const shape = placeholderShape(value)
  if (shape) return shape
  const h = shannonEntropy(value)
  return h < options.minEntropy ? `entropy ${h.toFixed(2)} < ${options.minEntropy}` : undefined
}

// --- internal ---

/** Words on the line before a 40-hex value that make it a commit, not a key. */
const REVISION_CONTEXT = /\b(?:commit|sha1?|revision|rev|hash|checksum|digest|git\+|tree|blob)\b|@$|\/$|#$/i

/**
 * A keyword-window rule (the keyword at most 40 characters before the value): the value must not
 * be a revision (`wandb/wandb@<sha>`, `commit <sha>`), a digest or a word, and must be random enough.
 */
function keywordRule(rule: SecretRule, options: { minEntropy: number; mixed?: boolean }): SecretRule {
  return {
    ...rule,
    detect(text: string, from: number, to: number, detectOptions: DetectOptions, at: number): LineHit[] {
      return rule.detect(text, from, to, detectOptions, at).filter((hit) => {
        const before = text.slice(Math.max(from, hit.index - 48), hit.index).replace(/["'\s]+$/, '')
        return !REVISION_CONTEXT.test(before)
      })
    },
    reject: (secret) => notAKeyValue(secret, options),
  }
}

/** A Neptune token decodes to JSON with `api_address` and `api_key`; a placeholder key is not one. */
function neptuneRule(rule: SecretRule): SecretRule {
  return {
    ...rule,
    reject(secret: string, options: DetectOptions) {
      let decoded: unknown
      try {
        decoded = JSON.parse(Buffer.from(secret, 'base64').toString('utf8'))
      } catch {
        return 'not base64 JSON'
      }
      const key = (decoded as { api_key?: unknown } | null)?.api_key
      if (typeof key !== 'string') return 'no api_key in the decoded token'
      return placeholder(key) ?? lowEntropy(key, 2.5) ?? rule.reject?.(secret, options)
    },
  }
}

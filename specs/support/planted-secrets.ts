// Secrets of every kind, planted the ways they reach the sinks: whole or cut, in JSON, after a `\n`
// escape, quoted, percent-encoded, as a `KEY=value`. Shared by the property and end-to-end specs of
// the sinks. Every secret is built at run time (the secrets gate's fake generators): the tree holds none.
import fc from 'fast-check'
import { FAKE_SECRETS, type FakeSecret, randomString } from '../../src/domain/gates/secrets/fake-secrets.ts'
import { ML_FAKE_SECRETS } from '../../src/domain/gates/secrets/ml-fake-secrets.ts'
import { Prng } from '../../src/foundation/random/prng.ts'
import { SECRET_PATTERNS } from '../../src/foundation/redact/secret-patterns.ts'

/** How a secret is planted into text. */
export const FORMS = ['full', 'json', 'after-newline', 'quoted', 'url-encoded', 'assignment'] as const
export type Form = (typeof FORMS)[number]

/** Fakes for rules the secrets gate's generators lack. */
const EXTRA_FAKES: Record<string, (rng: Prng) => FakeSecret> = {
  'slack-app-token': (rng) => {
    const secret = `${'xapp'}-1-A${randomString(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}-${randomString(rng, '0123456789', 13)}-${randomString(rng, '0123456789abcdef', 64)}`
    return { rule: 'slack-app-token', secret, text: `SLACK_APP=${secret}\n`, file: '.env' }
  },
}

/** A fake secret of rule `id` from `seed`: the secrets gate's generators, then ours. */
export function fakeSecret(id: string, seed: number): FakeSecret {
  const make = FAKE_SECRETS[id] ?? ML_FAKE_SECRETS[id] ?? EXTRA_FAKES[id]
  if (!make) throw new Error(`no fake secret generator for rule ${id}: add one to EXTRA_FAKES`)
  return make(Prng.fromSeed(seed))
}

/** The rules planted: every SECRET_PATTERNS rule and every fake generator, plus a secret env value. */
export const KINDS = [
  ...new Set([
    ...SECRET_PATTERNS.map((p) => p.id),
    ...Object.keys(FAKE_SECRETS),
    ...Object.keys(ML_FAKE_SECRETS),
    ...Object.keys(EXTRA_FAKES),
  ]),
  'env-secret',
] as const

export interface Planted {
  kind: string
  form: Form
  /** Cut short (as Vitest and reports shorten long strings). */
  cut: boolean
  /** The secret as it appears in `text` (cut when `cut`): what no sink may hold. */
  secret: string
  /** The text to plant. */
  text: string
  /** A value for a secret-named environment variable, when the kind is `env-secret`. */
  env?: string
}

/** Shown characters after a prefix for a cut token to count (MIN_TOKEN_BODY). */
const MIN_BODY = 8
/** Shortest cut value of a secret found by its name or URL. */
const MIN_CUT_VALUE = 8

/** One planted secret: `kind` from a seed, cut at `cutAt` (a fraction) when `cut`. */
export function plant(kind: string, seed: number, form: Form, cut: boolean, cutAt: number): Planted {
  if (kind === 'env-secret') return plantEnv(seed, form)
  const fake = fakeSecret(kind, seed)
  const shortest = shortestCut(kind, fake.secret)
  // A PEM key is cut inside its key material: its END line is public text.
  const longest = kind === 'private-key' ? fake.secret.indexOf('\n-----END') : fake.secret.length
  const length =
    cut && shortest !== undefined && shortest < longest
      ? shortest + Math.floor(cutAt * (longest - shortest))
      : fake.secret.length
  const secret = fake.secret.slice(0, length)
  const isCut = length < fake.secret.length
  const at = fake.text.indexOf(fake.secret)
  // In its context (a name, a URL, a call), cut where the formatter cut it: `…` and nothing after.
  const inContext = isCut ? `${fake.text.slice(0, at)}${secret}…` : fake.text.trimEnd()
  const text = form === 'assignment' ? `DEPLOY_TOKEN=${secret}${isCut ? '…' : ''}` : shape(form, inContext)
  return { kind, form, cut: isCut, secret, text }
}

/** fast-check: any kind, seed, form, cut or whole. */
export const plantedArb: fc.Arbitrary<Planted> = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    form: fc.constantFrom(...FORMS),
    cut: fc.boolean(),
    cutAt: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  })
  .map(({ kind, seed, form, cut, cutAt }) => plant(kind, seed, form, cut, cutAt))

/**
 * What a sink must not hold for `p`: the secret as planted, JSON-escaped or percent-encoded, and
 * the last 12 characters of each (a mask shows the first 4 only).
 */
export function needles(p: Planted): string[] {
  const spellings = [p.secret, JSON.stringify(p.secret).slice(1, -1), encodeURIComponent(p.secret)]
  const out = new Set<string>()
  for (const s of spellings) {
    out.add(s)
    if (s.length > 12) out.add(s.slice(-12))
  }
  return [...out].filter((s) => s.length >= 8)
}

/** Every 12-character substring of `secret` (all of it when shorter). */
export function windows12(secret: string): string[] {
  if (secret.length <= 12) return [secret]
  return Array.from({ length: secret.length - 11 }, (_, i) => secret.slice(i, i + 12))
}

/** `text` as Vitest's inspector shows a string inside an assertion message: quoted, escaped. */
export function inspected(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

// --- internal ---

/** How short a secret of `kind` may be cut and still be recognised; undefined: never cut. */
function shortestCut(kind: string, secret: string): number | undefined {
  const pattern = SECRET_PATTERNS.find((p) => p.id === kind)
  if (pattern?.prefix) {
    const prefix = new RegExp(`^${pattern.prefix}`).exec(secret)?.[0]
    return prefix === undefined ? undefined : prefix.length + MIN_BODY
  }
  if (kind === 'private-key') return secret.indexOf('\n') + 1 + MIN_BODY // the BEGIN line, then key material
  if (['aws-secret-access-key', 'url-credentials', 'generic-secret'].includes(kind)) return MIN_CUT_VALUE
  return undefined
}

function shape(form: Form, text: string): string {
  switch (form) {
    case 'full':
      return text
    case 'json':
      return JSON.stringify({ out: text })
    case 'after-newline':
      return JSON.stringify({ out: `line\n${text}` })
    case 'quoted':
      return `'${text}'`
    case 'url-encoded':
      return `https://ci.example.net/cb?state=${encodeURIComponent(text)}`
    case 'assignment':
      return text
  }
}

const ENV_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"\\/+= '

/** A secret env value: mixed case and digits (never a word), often with `"`, `\`, `/` or a space. */
function plantEnv(seed: number, form: Form): Planted {
  const rng = Prng.fromSeed(seed)
  const length = 10 + rng.nextInt(30)
  let value = `${'ABCDEFGHJKLMNPQRSTUVWXYZ'[rng.nextInt(24)]}${'abcdefghijkmnopqrstuvwxyz'[rng.nextInt(25)]}${rng.nextInt(10)}`
  while (value.length < length) value += ENV_ALPHABET[rng.nextInt(ENV_ALPHABET.length)]
  const text = form === 'assignment' ? `DEPLOY_TOKEN=${value}` : shape(form, `connecting with ${value} as deploy`)
  return { kind: 'env-secret', form, cut: false, secret: value, text, env: value }
}

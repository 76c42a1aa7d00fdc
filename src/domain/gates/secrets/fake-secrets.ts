// Fake secrets for the secrets specs and benchmark, built at run time: no file in the repository holds one,
// so the secrets gate stays clean on our own tree. Every generator is seeded and deterministic.
import { Prng } from '../../../foundation/random/prng.ts'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const ALNUM = UPPER + LOWER + DIGITS
const BASE32 = `${UPPER}234567`
const HEX = '0123456789abcdef'
const B64 = `${ALNUM}+/`
const B64URL = `${ALNUM}-_`

/** A random string over `alphabet`. */
export function randomString(rng: Prng, alphabet: string, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[rng.nextInt(alphabet.length)]
  return out
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}

/** One kind of fake secret: the rule that must find it, and how to write it into a file. */
export interface FakeSecret {
  rule: string
  /** The secret as the finding hashes and masks it. */
  secret: string
  /** The line(s) planting it. */
  text: string
  /** A file name where the planting is natural. */
  file: string
}

type Maker = (rng: Prng) => FakeSecret

const p = (prefix: string) => prefix // keeps prefixes and tails apart in the source

/** Every provider and generic rule, one generator each. */
export const FAKE_SECRETS: Record<string, Maker> = {
  'aws-access-key-id': (rng) => {
    const secret = p('AKIA') + randomString(rng, BASE32, 16)
    return { rule: 'aws-access-key-id', secret, text: `aws_access_key_id = ${secret}\n`, file: 'credentials.ini' }
  },
  'aws-secret-access-key': (rng) => {
    const secret = randomString(rng, B64, 40)
    return { rule: 'aws-secret-access-key', secret, text: `aws_secret_access_key = ${secret}\n`, file: 'aws.cfg' }
  },
  'github-token': (rng) => {
    const secret = p(`gh${'pousr'[rng.nextInt(5)]}_`) + randomString(rng, ALNUM, 36)
    return { rule: 'github-token', secret, text: `const client = connect('${secret}')\n`, file: 'src/client.ts' }
  },
  'github-fine-grained': (rng) => {
    const secret = p('github_pat_') + randomString(rng, `${ALNUM}_`, 82)
    return { rule: 'github-fine-grained', secret, text: `GH=${secret}\n`, file: 'deploy.sh' }
  },
  'gitlab-token': (rng) => {
    const secret = p('glpat-') + randomString(rng, ALNUM, 20)
    return { rule: 'gitlab-token', secret, text: `  token: "${secret}"\n`, file: 'ci.yml' }
  },
  'slack-token': (rng) => {
    const secret = `${p('xoxb-')}${randomString(rng, DIGITS, 12)}-${randomString(rng, DIGITS, 13)}-${randomString(rng, ALNUM, 24)}`
    return { rule: 'slack-token', secret, text: `slack = "${secret}"\n`, file: 'bot.py' }
  },
  'slack-webhook': (rng) => {
    const secret = `${p('https://hooks.slack.com/services/')}T${randomString(rng, UPPER + DIGITS, 8)}/B${randomString(rng, UPPER + DIGITS, 8)}/${randomString(rng, ALNUM, 24)}`
    return { rule: 'slack-webhook', secret, text: `notify: ${secret}\n`, file: 'alerts.yaml' }
  },
  'stripe-key': (rng) => {
    const secret = p('sk_live_') + randomString(rng, ALNUM, 24)
    return { rule: 'stripe-key', secret, text: `stripe.api_key = '${secret}'\n`, file: 'billing.py' }
  },
  'google-api-key': (rng) => {
    const secret = p('AIza') + randomString(rng, `${ALNUM}_-`, 35)
    return {
      rule: 'google-api-key',
      secret,
      text: `<script src="maps.js?key=${secret}"></script>\n`,
      file: 'index.html',
    }
  },
  'npm-token': (rng) => {
    const secret = p('npm_') + randomString(rng, ALNUM, 36)
    return { rule: 'npm-token', secret, text: `//registry.npmjs.org/:_authToken=${secret}\n`, file: '.npmrc' }
  },
  'sendgrid-key': (rng) => {
    const secret = `${p('SG.')}${randomString(rng, B64URL, 22)}.${randomString(rng, B64URL, 43)}`
    return { rule: 'sendgrid-key', secret, text: `SENDGRID = '${secret}'\n`, file: 'mail.py' }
  },
  'twilio-key': (rng) => {
    const secret = p('SK') + randomString(rng, HEX, 32)
    return { rule: 'twilio-key', secret, text: `twilio(${JSON.stringify(secret)})\n`, file: 'sms.js' }
  },
  'openai-key': (rng) => {
    const secret = p('sk-proj-') + randomString(rng, B64URL, 48)
    return { rule: 'openai-key', secret, text: `client = OpenAI(api_key="${secret}")\n`, file: 'agent.py' }
  },
  'anthropic-key': (rng) => {
    const secret = p('sk-ant-api03-') + randomString(rng, B64URL, 93)
    return { rule: 'anthropic-key', secret, text: `ANTHROPIC=${secret}\n`, file: 'run.sh' }
  },
  jwt: (rng) => {
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
    const payload = b64url(JSON.stringify({ sub: randomString(rng, DIGITS, 10), name: 'Ada', iat: 1700000000 }))
    const secret = `${header}.${payload}.${randomString(rng, B64URL, 43)}`
    return {
      rule: 'jwt',
      secret,
      text: `fetch(url, { headers: { authorization: 'Bearer ${secret}' } })\n`,
      file: 'api.ts',
    }
  },
  'private-key': (rng) => {
    const kind = ['RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED ', 'DSA ', ''][rng.nextInt(6)]
    const body = Array.from({ length: 6 }, () => randomString(rng, B64, 64)).join('\n')
    const secret = `-----BEGIN ${kind}${p('PRIVATE')} KEY-----\n${body}\n-----END ${kind}${p('PRIVATE')} KEY-----`
    return { rule: 'private-key', secret, text: `${secret}\n`, file: 'deploy_key' }
  },
  'url-credentials': (rng) => {
    const secret = randomString(rng, ALNUM, 16)
    return {
      rule: 'url-credentials',
      secret,
      text: `DATABASE_URL=postgres://app:${secret}@db.internal:5432/app\n`,
      file: 'settings.toml',
    }
  },
  'generic-secret': (rng) => {
    const secret = randomString(rng, ALNUM, 32)
    return { rule: 'generic-secret', secret, text: `const apiKey = "${secret}"\n`, file: 'src/config.ts' }
  },
}

/** One of each kind, from one seed. */
export function allFakeSecrets(seed: number): FakeSecret[] {
  const rng = Prng.fromSeed(seed)
  return Object.values(FAKE_SECRETS).map((make) => make(rng))
}

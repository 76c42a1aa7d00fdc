// Fake ML-platform secrets for the secrets specs, built at run time from a seed (as
// src/gates/fake-secrets.ts does): no file in the repository holds one, so the secrets gate stays
// clean on this tree. Each has the exact shape of the provider's tokens.
import type { Prng } from '../../../foundation/random/prng.ts'
import { type FakeSecret, randomString } from './fake-secrets.ts'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const LETTERS = UPPER + LOWER
const ALNUM = LETTERS + DIGITS
const HEX = '0123456789abcdef'

const p = (prefix: string) => prefix // keeps prefixes and tails apart in the source

/** Random alphanumerics that hold an upper, a lower and a digit, as real keys do. */
function mixed(rng: Prng, length: number): string {
  for (;;) {
    const s = randomString(rng, ALNUM, length)
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s)) return s
  }
}

function uuid(rng: Prng): string {
  const h = (n: number) => randomString(rng, HEX, n)
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`
}

/** One generator per ML rule: the secret and a line planting it where it naturally appears. */
export const ML_FAKE_SECRETS: Record<string, (rng: Prng) => FakeSecret> = {
  'huggingface-token': (rng) => {
    const secret = p('hf_') + randomString(rng, LETTERS, 34)
    return { rule: 'huggingface-token', secret, text: `huggingface-cli login --token ${secret}\n`, file: 'login.sh' }
  },
  'huggingface-org-token': (rng) => {
    const secret = p('api_org_') + randomString(rng, LETTERS, 34)
    return {
      rule: 'huggingface-org-token',
      secret,
      text: `ds = load_dataset("org/news", use_auth_token='${secret}')\n`,
      file: 'load.py',
    }
  },
  'replicate-token': (rng) => {
    const secret = p('r8_') + mixed(rng, 37)
    return { rule: 'replicate-token', secret, text: `export REPLICATE_API_TOKEN=${secret}\n`, file: 'run.sh' }
  },
  'groq-key': (rng) => {
    const secret = p('gsk_') + mixed(rng, 48)
    return { rule: 'groq-key', secret, text: `client = Groq(api_key="${secret}")\n`, file: 'chat.py' }
  },
  'together-key': (rng) => {
    const secret = p('tgp_v1_') + randomString(rng, `${ALNUM}_-`, 43)
    return { rule: 'together-key', secret, text: `together_api_key: ${secret}\n`, file: 'config.yaml' }
  },
  'wandb-key': (rng) => {
    const secret = `${p('wandb_v1_')}${mixed(rng, 27)}_${mixed(rng, 49)}`
    return { rule: 'wandb-key', secret, text: `wandb.login(key="${secret}")\n`, file: 'train.py' }
  },
  'wandb-api-key': (rng) => {
    const secret = randomString(rng, HEX, 40)
    return { rule: 'wandb-api-key', secret, text: `export WANDB_API_KEY=${secret}\n`, file: 'train.sh' }
  },
  'kaggle-token': (rng) => {
    const secret = p('KGAT_') + randomString(rng, HEX, 32)
    return {
      rule: 'kaggle-token',
      secret,
      text: `os.environ["KAGGLE_API_TOKEN"] = "${secret}"\n`,
      file: 'download.py',
    }
  },
  'kaggle-key': (rng) => {
    const secret = randomString(rng, HEX, 32)
    return { rule: 'kaggle-key', secret, text: `{"username":"ada","key":"${secret}"}\n`, file: 'kaggle.json' }
  },
  'cohere-key': (rng) => {
    const secret = mixed(rng, 40)
    return { rule: 'cohere-key', secret, text: `co = cohere.Client("${secret}")\n`, file: 'rerank.py' }
  },
  'mistral-key': (rng) => {
    const secret = mixed(rng, 32)
    return { rule: 'mistral-key', secret, text: `client = Mistral(api_key="${secret}")\n`, file: 'agent.py' }
  },
  'comet-key': (rng) => {
    const secret = mixed(rng, 25)
    return {
      rule: 'comet-key',
      secret,
      text: `experiment = comet_ml.Experiment(api_key="${secret}")\n`,
      file: 'track.py',
    }
  },
  'neptune-token': (rng) => {
    const json = JSON.stringify({
      api_address: 'https://app.neptune.ai',
      api_url: 'https://app.neptune.ai',
      api_key: uuid(rng),
    })
    const secret = Buffer.from(json).toString('base64')
    return {
      rule: 'neptune-token',
      secret,
      text: `run = neptune.init_run(project="ada/mnist", api_token="${secret}")\n`,
      file: 'log.py',
    }
  },
}

// The vocabulary of secret-holding names, shared by the secrets gate's generic rule and the
// masking of `NAME=value` assignments (src/foundation/redact/secret-assignments.ts): both must
// agree on which names hold a secret.

/** Names whose value is a secret: `password`, `api_key`, `clientSecret`, `AUTH_TOKEN`… */
export const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'credential',
  'credentials',
  'apikey',
  'auth',
])
const KEY_PREFIXES = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'encryption',
  'master',
  'auth',
  'client',
])
/** A last word that makes the name describe the secret rather than hold it: `token_url`, `password_min_length`. */
const DESCRIPTIVE_WORDS = new Set([
  'type',
  'types',
  'url',
  'uri',
  'endpoint',
  'path',
  'file',
  'filename',
  'dir',
  'name',
  'names',
  'count',
  'length',
  'len',
  'size',
  'max',
  'min',
  'limit',
  'env',
  'var',
  'field',
  'header',
  'prefix',
  'suffix',
  'format',
  'regex',
  'pattern',
  'policy',
  'expiry',
  'expires',
  'ttl',
  'lifetime',
  'algorithm',
  'algo',
  'kind',
  'label',
  'placeholder',
  'hint',
  'description',
  'title',
  'id',
  'ids',
  'index',
  'mode',
  'provider',
  'source',
  'store',
  'version',
])

/** True for assignment names that hold a secret. */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
  if (words.length === 0) return false
  if (DESCRIPTIVE_WORDS.has(words[words.length - 1] as string) && words.length > 1) return false
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string
    if (SECRET_WORDS.has(w)) return true
    if (/^[a-z]*(?:password|passwd|secret|token)$/.test(w)) return true
    if (/^(?:api|access|private|secret|signing|encryption|master|auth)key$/.test(w)) return true
    if (w === 'key' && i > 0 && KEY_PREFIXES.has(words[i - 1] as string)) return true
  }
  return false
}

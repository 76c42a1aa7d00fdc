import { shannonEntropy } from './entropy.ts'

/**
 * False-positive filters of the secrets gate. Each returns the reason a value is NOT a secret,
 * or undefined. Kept apart from the rules so specs can pin each filter down on its own.
 */

/** `${X}`, `{{x}}`, `<x>`, `%(x)s`, `$X`, `#{x}`: a template, not a value. */
export function templated(value: string): string | undefined {
  if (/\$\{|\{\{|\}\}|%\(|%s\b|^\$[A-Za-z_({]|^#\{|^@\{|^<[^>]*>$/.test(value)) return 'templated value'
  return undefined
}

/** `process.env.X`, `os.environ[...]`, `secrets.X`: a reference to where the secret lives. */
export function reference(value: string): string | undefined {
  if (
    /^(?:process\.env|os\.environ|os\.getenv|getenv|env\.|ENV\[|import\.meta\.env|secrets\.|vars\.|self\.|this\.|config\.|settings\.|ctx\.|context\.)/.test(
      value,
    )
  ) {
    return 'reference to a secret store'
  }
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) && !/\d{3}/.test(value)) return 'dotted reference'
  return undefined
}

/** Words that mark a value as a stand-in; matched as whole words (`your-token-here`, `myTestKey`). */
const PLACEHOLDER_WORDS = new Set([
  'your',
  'here',
  'example',
  'sample',
  'placeholder',
  'dummy',
  'changeme',
  'change',
  'replace',
  'redacted',
  'fake',
  'mock',
  'test',
  'lorem',
  'foo',
  'foobar',
  'insert',
  'enter',
  'secret',
  'password',
  'token',
])

/**
 * Shapes of stand-ins whatever the rule: `xxxx`, `****`, `....`, an ellipsis, one repeated
 * character, `abcdef`/`123456` runs. Safe for provider tokens: random tokens never look like this.
 */
export function placeholderShape(value: string): string | undefined {
  const run = /(x{4,}|X{4,}|\*{4,}|\.{4,}|\u2026)/.exec(value)
  if (run) return `placeholder (${run[1]})`
  if (/^(.)\1*$/.test(value)) return 'one repeated character'
  if (isSequence(value.toLowerCase())) return 'character sequence'
  return undefined
}

/**
 * `your-token-here`, `changeme`, `REPLACE_WITH_YOUR_KEY`, `myTestKey`, `dummyKey42`, plus every
 * `placeholderShape`. A placeholder word counts where a person put it: as a whole part of the value
 * between separators (`test`, `changeme123`), as the first word of a part (`dummyKey42`), or in a
 * part made only of words (`myTestKey`). Inside a random token it is chance, not a stand-in: a
 * generated 32-character key ending `…KhkbFOoN8` holds `foo` and is still a key.
 */
export function placeholder(value: string): string | undefined {
  const shape = placeholderShape(value)
  if (shape) return shape
  for (const part of value.split(/[^A-Za-z0-9]+/)) {
    const words = part
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w !== '')
    const word = words.find((w) => PLACEHOLDER_WORDS.has(w))
    if (word === undefined) continue
    const lower = part.toLowerCase()
    if (WORDLIKE.test(part) || lower.startsWith(word) || /^[a-z]+\d*$/.test(lower)) return `placeholder (${word})`
  }
  return undefined
}

/** True when most neighbouring characters step by +1 or -1 (`abcdef`, `123456789`, `zyxw`). */
export function isSequence(value: string): boolean {
  if (value.length < 6) return false
  let steps = 0
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1)
    if (d === 1 || d === -1 || d === 0) steps++
  }
  return steps / (value.length - 1) >= 0.8
}

/** UUIDs, hex digests (md5/sha1/sha256/sha512), SRI and lockfile integrity strings. */
export function digest(value: string): string | undefined {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return 'UUID'
  const hex = value.replace(/^(?:sha(?:1|256|384|512)|md5)[:=]/i, '')
  if (/^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i.test(hex)) return 'hex digest'
  if (/^sha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}$/.test(value)) return 'integrity hash'
  return undefined
}

/** The documented AWS example keys (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`). */
export function awsExample(value: string): string | undefined {
  return value.includes('EXAMPLE') ? 'documented AWS example key' : undefined
}

/** One identifier-like word run: `lower`, `UPPER`, `camelCase`, `PascalCaseJSX` (random letters rarely are). */
const WORDLIKE = /^(?:(?:[a-z]+|[A-Z][a-z]+)(?:[A-Z][a-z]+)*(?:[A-Z]{1,4})?|[A-Z]+)$/

/** Words, paths, URLs, numbers, versions: values that look like code or data, not secrets. */
export function notSecretShaped(value: string): string | undefined {
  if (/\s/.test(value)) return 'contains whitespace'
  if (value.includes('://')) return 'URL'
  if (/[^\x20-\x7e]/.test(value)) return 'not ASCII'
  if (value.split(/[^A-Za-z0-9]+/).every((segment) => segment === '' || WORDLIKE.test(segment))) return 'words only'
  if (/^[\d.,:_+-]+$/.test(value)) return 'number, date or version'
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value)) return 'path'
  if (/^[\w.-]*\/[\w./-]*\.[a-z][a-z0-9]{0,5}$/.test(value) || /^[\w-]+\.(?:[a-z][a-z0-9]{0,5})$/.test(value)) {
    return 'file name'
  }
  if (value.includes('(') || value.includes(')')) return 'code'
  return undefined
}

/** Below the entropy threshold: too regular to be a generated secret. */
export function lowEntropy(value: string, threshold: number): string | undefined {
  const h = shannonEntropy(value)
  return h < threshold ? `entropy ${h.toFixed(2)} < ${threshold}` : undefined
}

/** A JWT's header must decode to a JSON object with `alg` or `typ`; anything else is noise. */
export function notAJwt(value: string): string | undefined {
  const header = value.slice(0, value.indexOf('.'))
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown
    if (parsed && typeof parsed === 'object' && ('alg' in parsed || 'typ' in parsed)) return undefined
  } catch {
    // not base64url JSON: fall through
  }
  return 'header is not a JWT header'
}

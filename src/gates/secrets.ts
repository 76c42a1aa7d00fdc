import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { UserError } from '../errors/user-error.ts'
import { maskSecret } from '../redact/redact.ts'
import { type Finding, makeFinding } from './finding.ts'
import type { Gate } from './gate.ts'
import type { GateConfig } from './gates-config.ts'
import { type DetectOptions, SECRET_RULES, type SecretRule } from './secret-rules.ts'
import { isBinary, LineIndex, readRepoFile } from './text-file.ts'

/** Put this on a line to accept what the secrets gate finds there. */
export const ALLOW_MARKER = 'codex-gates: allow-secret'

/** A secret in a file: rule, 1-based line, the secret (never printed; see `maskSecret`). */
export interface SecretHit {
  rule: string
  description: string
  line: number
  secret: string
}

export interface SecretScanOptions {
  entropyThreshold: number
  minLength: number
  /** sha256 hex of accepted secrets (the baseline). */
  accepted?: ReadonlySet<string>
}

/** sha256 hex of a secret: what the baseline stores and fingerprints use; never the plaintext. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'latin1').digest('hex')
}

/**
 * Scans one file's bytes. Works on the latin1 view so string offsets are byte offsets (secrets
 * are ASCII); one case-insensitive keyword regex finds candidate lines, and only the rules whose
 * keyword hit run there, each at most once per line.
 */
export function scanSecretsInBytes(bytes: Buffer, path: string, options: SecretScanOptions): SecretHit[] {
  if (isBinary(bytes)) return []
  return scanSecretsInText(bytes.toString('latin1'), path, options)
}

/** Scans text (see `scanSecretsInBytes`). `path` decides whether unquoted values count. */
export function scanSecretsInText(text: string, path: string, options: SecretScanOptions): SecretHit[] {
  const detect: DetectOptions = {
    entropyThreshold: options.entropyThreshold,
    minLength: options.minLength,
    bareValues: allowsBareValues(path),
  }
  const candidates: { ruleIndex: number; index: number; secret: string }[] = []
  const done = new Array<number>(SECRET_RULES.length).fill(-1)
  const lines = new LineIndex(text)
  let lineFrom = 0
  let lineTo = -1
  PREFILTER.lastIndex = 0
  for (let m = PREFILTER.exec(text); m; m = PREFILTER.exec(text)) {
    const at = m.index
    const rules = rulesFor(m[0])
    let pending = false
    for (const r of rules) if (at >= (done[r] as number)) pending = true
    if (!pending) continue
    if (at > lineTo) {
      // Hits come in order, so the search back stops at the previous line: linear overall.
      lineFrom = text.lastIndexOf('\n', at) + 1
      lineTo = text.indexOf('\n', at)
      if (lineTo === -1) lineTo = text.length
    }
    let from = lineFrom
    let to = lineTo
    if (to - from > LONG_LINE) {
      // Minified or data lines: look at a window around the keyword, not the whole line.
      from = Math.max(from, at - 256)
      to = Math.min(to, at + 1024)
    }
    for (const ruleIndex of rules) {
      if (at < (done[ruleIndex] as number)) continue
      const rule = SECRET_RULES[ruleIndex] as SecretRule
      if (rule.scope !== 'hit') done[ruleIndex] = to
      for (const hit of rule.detect(text, from, to, detect, at)) {
        if (rule.reject?.(hit.secret, detect)) continue
        if (lines.lineText(hit.index).includes(ALLOW_MARKER)) continue
        if (options.accepted?.has(secretHash(hit.secret))) continue
        candidates.push({ ruleIndex, ...hit })
      }
    }
  }
  // Overlaps: the earlier rule in SECRET_RULES wins (a provider rule over the generic one).
  candidates.sort((a, b) => a.ruleIndex - b.ruleIndex || a.index - b.index)
  const kept: typeof candidates = []
  for (const c of candidates) {
    const end = c.index + c.secret.length
    if (!kept.some((k) => c.index < k.index + k.secret.length && end > k.index)) kept.push(c)
  }
  return kept
    .sort((a, b) => a.index - b.index)
    .map((c) => {
      const rule = SECRET_RULES[c.ruleIndex] as SecretRule
      return { rule: rule.id, description: rule.description, line: lines.lineOf(c.index), secret: c.secret }
    })
}

/** The secrets gate over files: each hit a finding with the secret masked (first 4 chars + length). */
export function scanSecrets(root: string, files: readonly string[], config: GateConfig<'secrets'>) {
  const accepted = loadSecretsBaseline(root, config.baseline)
  const options = { entropyThreshold: config.entropy_threshold, minLength: config.min_length, accepted }
  const findings: Finding[] = []
  for (const path of files) {
    const bytes = readRepoFile(root, path)
    if (!bytes || bytes.length > config.max_file_bytes) continue
    for (const hit of scanSecretsInBytes(bytes, path, options)) findings.push(secretFinding(path, hit, config.baseline))
  }
  return { findings }
}

/** A finding that names the rule, the masked secret and the ways out; never the secret. */
export function secretFinding(path: string, hit: SecretHit, baselinePath = 'configs/secrets.baseline.json'): Finding {
  const hash = secretHash(hit.secret)
  const what = hit.rule === 'generic-secret' ? `${hit.description} a secret-named variable` : hit.description
  return makeFinding({
    gate: 'secrets',
    rule: hit.rule,
    severity: 'error',
    file: path,
    line: hit.line,
    message: `${what}: ${maskSecret(hit.secret)}`,
    remediation: `remove it from the file (read it from an environment variable), revoke and rotate it at the provider, and purge it from git history; if it is not a secret, end the line with the comment "${ALLOW_MARKER}" or accept sha256 ${hash} in ${baselinePath}`,
    identity: hash,
  })
}

/** Baseline: `{ "version": 1, "accepted": [{ "sha256": "…", "rule": "…", "reason": "…" }] }`, hashes only. */
export function loadSecretsBaseline(root: string, relPath: string): Set<string> {
  const path = join(root, relPath)
  if (!existsSync(path)) return new Set()
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UserError(
      'SECRETS_BASELINE',
      `${relPath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      `fix it or reset it to {"version": 1, "accepted": []}`,
    )
  }
  const accepted = (parsed as { accepted?: unknown }).accepted
  if (!Array.isArray(accepted)) {
    throw new UserError('SECRETS_BASELINE', `${relPath}: /accepted must be an array`, `e.g. {"version": 1, "accepted": []}`)
  }
  const hashes = new Set<string>()
  accepted.forEach((entry, i) => {
    const sha = (entry as { sha256?: unknown } | null)?.sha256
    if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha)) {
      throw new UserError(
        'SECRETS_BASELINE',
        `${relPath}: /accepted/${i}/sha256 must be a 64-character lowercase hex sha256`,
        'copy the sha256 printed in the secrets finding; never store the secret itself',
      )
    }
    hashes.add(sha)
  })
  return hashes
}

export const secretsGate: Gate<'secrets'> = {
  name: 'secrets',
  description: 'provider tokens, private keys, JWTs, URL credentials and high-entropy secret assignments',
  cacheInputs: (_root, files, config) => ({ contents: [...files, config.baseline] }),
  scan: scanSecrets,
}

// --- internal ---

const LONG_LINE = 4096

/**
 * The prefilter: one case-insensitive alternation of every rule's keywords, longest first. No
 * capture groups (they make V8's regex several times slower); the matched text names the rules.
 */
const KEYWORDS = (() => {
  const literal = new Map<string, number[]>()
  const patterns: { test: RegExp; source: string; rules: number[] }[] = []
  SECRET_RULES.forEach((rule, i) => {
    for (const k of rule.keywords) {
      if (rule.regexKeywords) patterns.push({ test: new RegExp(`^(?:${k})$`, 'i'), source: k, rules: [i] })
      else literal.set(k, [...(literal.get(k) ?? []), i])
    }
  })
  // The alternation reports one keyword per position, so a keyword also runs the rules of every
  // literal keyword that is its prefix (`sk-ant-` runs the `sk-` rules too).
  for (const [k, rules] of literal) {
    for (const [other, otherRules] of literal) {
      if (other !== k && k.startsWith(other)) literal.set(k, [...new Set([...rules, ...otherRules])])
    }
  }
  return { literal, patterns }
})()

const PREFILTER = new RegExp(
  [
    ...[...KEYWORDS.literal.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    ...KEYWORDS.patterns.map((p) => p.source),
  ].join('|'),
  'gi',
)

const NO_RULES: number[] = []

/** The rules a prefilter match stands for. */
function rulesFor(matched: string): number[] {
  const rules = KEYWORDS.literal.get(matched.toLowerCase())
  if (rules) return rules
  for (const p of KEYWORDS.patterns) if (p.test.test(matched)) return p.rules
  return NO_RULES
}

const CODE_EXTENSIONS = new Set([
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '.py',
  '.pyi',
  '.go',
  '.rs',
  '.java',
  '.kt',
  '.scala',
  '.c',
  '.cc',
  '.cpp',
  '.h',
  '.hpp',
  '.cs',
  '.rb',
  '.php',
  '.swift',
  '.lua',
  '.r',
  '.jl',
  '.md',
  '.markdown',
  '.rst',
  '.txt',
  '.html',
  '.css',
  '.vue',
  '.svelte',
  '.ipynb',
])

/** Unquoted values count in config-like files (.env, YAML, INI, shell), not in code or prose. */
function allowsBareValues(path: string): boolean {
  const name = basename(path).toLowerCase()
  if (name.startsWith('.env') || name === '.npmrc' || name === '.pypirc' || name === '.netrc') return true
  return !CODE_EXTENSIONS.has(extname(name))
}

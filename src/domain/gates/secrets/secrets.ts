import { existsSync, readFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { isBinary, LineIndex, repoFileSize, ScratchReader } from '../../../foundation/fs/text-file.ts'
import { nodeCrypto } from '../../../foundation/lazy/node-crypto.ts'
import { maskSecret } from '../../../foundation/redact/redact.ts'
import type { EventMeta } from '../../../ledger/ledger-meta.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { formatBytes } from '../large-files/large-files.ts'
import { isNotebookPath, notebookChunks } from '../notebooks/notebook-chunks.ts'
import {
  acceptedByDetectSecretsBaseline,
  type DetectSecretsBaseline,
  readDetectSecretsBaseline,
} from '../pre-commit/detect-secrets-baseline.ts'
import { genericSkipAt } from './generic-secret-rule.ts'
import { KeywordAutomaton } from './keyword-automaton.ts'
import { type DetectOptions, SECRET_RULES, type SecretRule, urlSkipAt } from './secret-rules.ts'
import { secretsKey } from './secrets-key.ts'

/** Put this on a line to accept what the secrets gate finds there. */
export const ALLOW_MARKER = 'codex-gates: allow-secret'

/** A secret in a file: rule, 1-based line, the secret (never printed; see `maskSecret`). */
export interface SecretHit {
  rule: string
  description: string
  line: number
  secret: string
  /** In a notebook: `cell 3:line 2` (then `line` is the .ipynb line). */
  locator?: string
}

export interface SecretScanOptions {
  entropyThreshold: number
  minLength: number
  /** sha256 hex of accepted secrets (the baseline). */
  accepted?: ReadonlySet<string>
  /** A detect-secrets `.secrets.baseline`: a secret it lists for the same file is accepted. */
  detectSecrets?: DetectSecretsBaseline
}

/**
 * sha256 hex of a secret: what the baseline stores and fingerprints use; never the plaintext.
 * node:crypto loads on the first secret found, not with the gate (~3 ms of every commit).
 */
export function secretHash(secret: string): string {
  return nodeCrypto().createHash('sha256').update(secret, 'latin1').digest('hex')
}

/**
 * Scans one file's bytes. A case-insensitive keyword automaton walks the bytes (one table
 * lookup each); only where a keyword ends is the file decoded (latin1, so string offsets are
 * byte offsets; secrets are ASCII) and only the rules owning that keyword run, line rules at
 * most once per line.
 */
export function scanSecretsInBytes(bytes: Uint8Array, path: string, options: SecretScanOptions): SecretHit[] {
  if (isBinary(bytes)) return []
  let scan: FileScan | undefined
  const detect = detectOptions(path, options)
  const { automaton, skipKind } = keywords()
  const hits = automaton.scan(bytes)
  const { ends, states } = hits
  for (let k = 0; k < hits.count; k++) {
    const end = ends[k] as number
    const state = states[k] as number
    if (skipHit(bytes, end, skipKind[state] as number, detect)) continue
    scan ??= new FileScan(bytes, path, options)
    scan.hit(end, automaton.valuesAt(state))
  }
  return scan ? scan.results() : []
}

/** Scans text (see `scanSecretsInBytes`); offsets and lines are those of its UTF-8 bytes. */
export function scanSecretsInText(text: string, path: string, options: SecretScanOptions): SecretHit[] {
  return scanSecretsInBytes(Buffer.from(text, 'utf8'), path, options)
}

/**
 * The secrets gate over files: each hit a finding with the secret masked (first 4 chars + length).
 * Notebooks are read cell by cell (sources and text outputs, unescaped from their JSON); a file
 * over `max_file_bytes` is not read, and says so in a warn event.
 */
export function scanSecrets(root: string, files: readonly string[], config: GateConfig<'secrets'>) {
  const accepted = loadSecretsBaseline(root, config.baseline)
  const detectSecrets = loadDetectSecretsBaseline(root, config.detect_secrets_baseline)
  const options = { entropyThreshold: config.entropy_threshold, minLength: config.min_length, accepted, detectSecrets }
  const findings: Finding[] = []
  const events: EventMeta[] = []
  const reader = new ScratchReader()
  for (const path of files) {
    const bytes = reader.read(join(root, path), config.max_file_bytes)
    if (!bytes) {
      // Only the failure path pays for a stat: was it too large, or just gone?
      const size = repoFileSize(root, path)
      if (size > config.max_file_bytes) events.push(skippedLargeFile(path, size, config.max_file_bytes))
      continue
    }
    const hits = isNotebookPath(path) ? scanNotebookSecrets(bytes, options) : undefined
    for (const hit of hits ?? scanSecretsInBytes(bytes, path, options)) {
      findings.push(secretFinding(path, hit, config.baseline))
    }
  }
  return events.length > 0 ? { findings, events } : { findings }
}

/**
 * Secrets in a notebook's cell sources and text outputs, each at its .ipynb line with a
 * `cell N:line M` locator; undefined when the bytes are not an nbformat 4 notebook.
 */
export function scanNotebookSecrets(bytes: Uint8Array, options: SecretScanOptions): SecretHit[] | undefined {
  if (isBinary(bytes)) return []
  const chunks = notebookChunks(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  if (!chunks) return undefined
  const hits: SecretHit[] = []
  for (const chunk of chunks) {
    for (const hit of scanSecretsInText(chunk.text, chunk.name, options)) {
      const at = chunk.locate(hit.line)
      hits.push({ ...hit, line: at.line, locator: at.locator })
    }
  }
  return hits
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
    message: `${hit.locator ? `${hit.locator}: ` : ''}${what}: ${maskSecret(hit.secret)}`,
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
    throw new UserError(
      'SECRETS_BASELINE',
      `${relPath}: /accepted must be an array`,
      `e.g. {"version": 1, "accepted": []}`,
    )
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

/**
 * A detect-secrets baseline (`.secrets.baseline` by default, as detect-secrets' pre-commit hook
 * reads it), or undefined when the file is absent or the setting is empty.
 */
export function loadDetectSecretsBaseline(root: string, relPath: string): DetectSecretsBaseline | undefined {
  if (!relPath) return undefined
  const path = join(root, relPath)
  if (!existsSync(path)) return undefined
  return readDetectSecretsBaseline(readFileSync(path, 'utf8'), relPath)
}

export const secretsGate: Gate<'secrets'> = {
  name: 'secrets',
  description: 'provider tokens, private keys, JWTs, URL credentials and high-entropy secret assignments',
  ...secretsKey,
  scan: scanSecrets,
}

// --- internal ---

const LONG_LINE = 4096

/** The warn event for a file the gate did not read: which file, how large, and the option to raise. */
function skippedLargeFile(path: string, size: number, max: number): EventMeta {
  return {
    role: 'tool',
    level: 'warn',
    message: `secrets: ${path} was not scanned: ${formatBytes(size)} is over gates.secrets.max_file_bytes (${formatBytes(max)}); raise gates.secrets.max_file_bytes above ${size} in configs/gates.json to scan it, or exclude the file`,
    data: { file: path, bytes: size, max_file_bytes: max, option: 'gates.secrets.max_file_bytes' },
  }
}

interface Keywords {
  /** Every rule's keywords in one automaton; a keyword's value is the index of its rule. */
  automaton: KeywordAutomaton<number>
  /**
   * Per output state, which byte-level test may skip it: 1 the generic rule's, 2 the URL rule's,
   * 0 none (some rule there has no test). Direct calls, so the hot path stays monomorphic.
   */
  skipKind: Uint8Array
}

let compiled: Keywords | undefined

/** Built on the first scan, not at import: a gate run answered from the cache never pays for it. */
function keywords(): Keywords {
  if (compiled) return compiled
  const automaton = new KeywordAutomaton(
    SECRET_RULES.flatMap((rule, ruleIndex) => rule.keywords.map((keyword) => ({ keyword, value: ruleIndex }))),
  )
  const skipKind = new Uint8Array(automaton.next.length >> 8)
  for (let state = automaton.outputFrom; state < skipKind.length; state++) {
    const tests = automaton.valuesAt(state).map((r) => SECRET_RULES[r]?.skipAt)
    skipKind[state] = tests.every((t) => t === genericSkipAt) ? 1 : tests.every((t) => t === urlSkipAt) ? 2 : 0
  }
  compiled = { automaton, skipKind }
  return compiled
}

function skipHit(bytes: Uint8Array, end: number, kind: number, options: DetectOptions): boolean {
  if (kind === 1) return genericSkipAt(bytes, end, options)
  if (kind === 2) return urlSkipAt(bytes, end)
  return false
}

function detectOptions(path: string, options: SecretScanOptions): DetectOptions {
  return {
    entropyThreshold: options.entropyThreshold,
    minLength: options.minLength,
    bareValues: allowsBareValues(path),
  }
}

/** The state of one file's scan, created at its first keyword hit. */
class FileScan {
  private readonly text: string
  private readonly lines: LineIndex
  private readonly detect: DetectOptions
  private readonly candidates: { ruleIndex: number; index: number; secret: string }[] = []
  /** Per rule: the offset up to which its line has been scanned. */
  private readonly done = new Array<number>(SECRET_RULES.length).fill(-1)
  private lineFrom = 0
  private lineTo = -1

  constructor(
    bytes: Uint8Array,
    private readonly path: string,
    private readonly options: SecretScanOptions,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    this.lines = new LineIndex(this.text)
    this.detect = {
      entropyThreshold: options.entropyThreshold,
      minLength: options.minLength,
      bareValues: allowsBareValues(path),
    }
  }

  /** A keyword of `rules` ends at offset `at`. */
  hit(at: number, rules: readonly number[]): void {
    const text = this.text
    for (const ruleIndex of rules) {
      if (at < (this.done[ruleIndex] as number)) continue
      const rule = SECRET_RULES[ruleIndex] as SecretRule
      let from: number
      let to: number
      if (rule.scope === 'hit') {
        // Anchored rules stop at the end of the name and of the line themselves: a window will do.
        from = Math.max(0, at - 256)
        to = Math.min(text.length, at + 1024)
      } else {
        if (at > this.lineTo) {
          // Hits come in order, so the search back stops at the previous line: linear overall.
          this.lineFrom = text.lastIndexOf('\n', at) + 1
          this.lineTo = text.indexOf('\n', at)
          if (this.lineTo === -1) this.lineTo = text.length
        }
        from = this.lineFrom
        to = this.lineTo
        if (to - from > LONG_LINE) {
          // Minified or data lines: look at a window around the keyword, not the whole line.
          from = Math.max(from, at - 256)
          to = Math.min(to, at + 1024)
        }
        this.done[ruleIndex] = to
      }
      for (const found of rule.detect(text, from, to, this.detect, at)) {
        if (rule.reject?.(found.secret, this.detect)) continue
        if (this.lines.lineText(found.index).includes(ALLOW_MARKER)) continue
        if (this.options.accepted?.has(secretHash(found.secret))) continue
        if (
          this.options.detectSecrets &&
          acceptedByDetectSecretsBaseline(this.options.detectSecrets, this.path, found.secret)
        )
          continue
        this.candidates.push({ ruleIndex, ...found })
      }
    }
  }

  /** Overlapping hits resolved (the earlier rule in SECRET_RULES wins), in file order. */
  results(): SecretHit[] {
    const sorted = [...this.candidates].sort((a, b) => a.ruleIndex - b.ruleIndex || a.index - b.index)
    const kept: typeof sorted = []
    for (const c of sorted) {
      const end = c.index + c.secret.length
      if (!kept.some((k) => c.index < k.index + k.secret.length && end > k.index)) kept.push(c)
    }
    return kept
      .sort((a, b) => a.index - b.index)
      .map((c) => {
        const rule = SECRET_RULES[c.ruleIndex] as SecretRule
        return { rule: rule.id, description: rule.description, line: this.lines.lineOf(c.index), secret: c.secret }
      })
  }
}

/** Config-like files, where `key: value` and `KEY=value` hold unquoted values. */
const BARE_VALUE_EXTENSIONS = new Set([
  '',
  '.ini',
  '.cfg',
  '.conf',
  '.properties',
  '.yaml',
  '.yml',
  '.toml',
  '.sh',
  '.bash',
  '.zsh',
  '.env',
  '.txt',
  '.tfvars',
])

/** Unquoted values count in config-like files (.env, YAML, INI, shell), not in code, JSON or prose. */
function allowsBareValues(path: string): boolean {
  const name = basename(path).toLowerCase()
  if (name.startsWith('.env') || name.endsWith('rc') || name === '.netrc' || name === 'credentials') return true
  return BARE_VALUE_EXTENSIONS.has(extname(name))
}

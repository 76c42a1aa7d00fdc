import type { FileVerdict, GitFacts, HookFile, HookOutcome } from './hook-types.ts'
import type { HookManifest } from './resolve-hook.ts'

/** A hook of pre-commit-hooks (or another repository) implemented natively. */
export interface NativeHook {
  id: string
  /** The hook's entry in its repository's `.pre-commit-hooks.yaml`: the defaults the config overrides. */
  manifest: HookManifest
  /** Runs on the selected files (none when `pass_filenames: false`) with the hook's `args`. */
  run(files: readonly HookFile[], args: readonly string[], facts: GitFacts): HookOutcome
}

/** Runs a per-file check over every file and gathers problems and fixes; failed when any file has either. */
export function runPerFile(files: readonly HookFile[], check: (file: HookFile) => FileVerdict): HookOutcome {
  const outcome: HookOutcome = { failed: false, problems: [], fixes: new Map() }
  for (const file of files) {
    const verdict = check(file)
    outcome.problems.push(...verdict.problems)
    if (verdict.fixed) outcome.fixes.set(file.path, verdict.fixed)
    if (verdict.problems.length > 0 || verdict.fixed) outcome.failed = true
  }
  return outcome
}

/** Splits bytes after each `\n`, as Python's binary `readlines()` / line iteration does. */
export function readlines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = []
  let start = 0
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i + 1))
      start = i + 1
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start))
  return lines
}

/** `bytes.splitlines(keepends=True)`: lines end at `\r\n`, `\n` or `\r`. */
export function splitlinesKeepends(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = []
  let start = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === 0x0a || b === 0x0d) {
      const end = b === 0x0d && bytes[i + 1] === 0x0a ? i + 2 : i + 1
      lines.push(bytes.subarray(start, end))
      start = end
      i = end - 1
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start))
  return lines
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** Strict UTF-8 decode (Python's `open(encoding='UTF-8')`); undefined when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return undefined
  }
}

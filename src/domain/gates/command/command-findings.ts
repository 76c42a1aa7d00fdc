import { isAbsolute, relative, resolve, sep } from 'node:path'
import { redactText } from '../../../foundation/redact/redact.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { CommandGateConfig } from './command-config.ts'
import type { Diagnostic } from './parse/diagnostic.ts'

export interface FindingContext {
  gate: string
  /** The folder the files are in (the repository, or the hook's snapshot of it). */
  root: string
  /** Absolute working directory the tool ran in: its relative paths are relative to it. */
  cwd: string
  /** The command as a person would type it, for the remediation. */
  commandText: string
}

/**
 * Each diagnostic as a finding at `file:line`, the path made repo-relative (a path outside the
 * root is kept as the tool printed it). Notes become no finding; messages are redacted. A diagnostic the tool gave no
 * severity is an error; `severity` in the config then lowers or overrides per rule.
 */
export function diagnosticFindings(
  diagnostics: readonly Diagnostic[],
  severity: CommandGateConfig['severity'],
  ctx: FindingContext,
): Finding[] {
  const findings: Finding[] = []
  for (const d of diagnostics) {
    if (d.severity === 'note') continue
    const rule = d.rule ?? ctx.gate
    findings.push(
      makeFinding({
        gate: ctx.gate,
        rule,
        severity: severity === 'warn' ? 'warn' : d.severity === 'warn' ? 'warn' : 'error',
        file: d.file ? repoPath(d.file, ctx) : null,
        line: d.line ?? null,
        message: redactText(d.col ? `${d.message} (col ${d.col})` : d.message),
        remediation: `fix what \`${redactText(ctx.commandText)}\` reports${d.rule ? ` (rule ${d.rule})` : ''}, then run it again`,
        identity: `${rule}\0${redactText(d.message)}`,
      }),
    )
  }
  if (typeof severity === 'string') return findings
  // Per-rule overrides, as the built-in gates take them (run-gate's applySeverity, not imported:
  // the hook loads this module and must not pull in the gate registry).
  const out: Finding[] = []
  for (const f of findings) {
    const o = severity[f.rule]
    if (o !== 'off') out.push(o ? { ...f, severity: o } : f)
  }
  return out
}

/** A finding about the run itself (exit code, timeout, missing tool); the message is redacted (it may quote output). */
export function runFinding(
  ctx: FindingContext,
  rule: string,
  severity: 'error' | 'warn',
  message: string,
  remediation: string,
): Finding {
  return makeFinding({
    gate: ctx.gate,
    rule,
    severity,
    file: null,
    line: null,
    message: redactText(message),
    remediation: redactText(remediation),
    identity: rule,
  })
}

/** The last `lines` non-empty lines of an output, for a message. */
export function outputTail(output: string, lines = 10): string {
  return output
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n')
}

// --- internal ---

function repoPath(file: string, ctx: FindingContext): string {
  const full = isAbsolute(file) ? file : resolve(ctx.cwd, file)
  const rel = relative(ctx.root, full)
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return file
  return rel.split(sep).join('/')
}

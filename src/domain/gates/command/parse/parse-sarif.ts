import type { Diagnostic } from './diagnostic.ts'

/**
 * Diagnostics from a SARIF 2.1.0 log: every result of every run, at its first physical location.
 * The level falls back to the rule's `defaultConfiguration.level`, then to SARIF's default
 * `warning`. Results that are suppressed, `absent` from the baseline or of a kind other than
 * `fail` are left out. `file` is the artifact URI (a `file://` URI decoded to its path), joined to
 * its `uriBaseId` when the run defines that base. Text that is not SARIF gives one diagnostic
 * saying so.
 */
export function parseSarif(text: string): Diagnostic[] {
  let log: SarifLog
  try {
    log = JSON.parse(text) as SarifLog
  } catch (error) {
    return [{ severity: 'error', rule: 'sarif', message: `the output is not SARIF JSON: ${(error as Error).message}` }]
  }
  if (!log || !Array.isArray(log.runs)) {
    return [{ severity: 'error', rule: 'sarif', message: 'the output is not a SARIF log (no "runs" array)' }]
  }
  const out: Diagnostic[] = []
  for (const run of log.runs) {
    const rules = run.tool?.driver?.rules ?? []
    const bases = run.originalUriBaseIds ?? {}
    for (const result of run.results ?? []) {
      if ((result.kind ?? 'fail') !== 'fail') continue
      if ((result.suppressions ?? []).length > 0 || result.baselineState === 'absent') continue
      const rule =
        result.ruleId ?? result.rule?.id ?? (result.ruleIndex !== undefined ? rules[result.ruleIndex]?.id : undefined)
      const ruleDef =
        (result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined) ?? rules.find((r) => r.id === rule)
      const level = result.level ?? ruleDef?.defaultConfiguration?.level ?? 'warning'
      if (level === 'none') continue
      const physical = result.locations?.[0]?.physicalLocation
      const artifact = physical?.artifactLocation
      const file = artifact?.uri !== undefined ? resolveUri(artifact.uri, artifact.uriBaseId, bases) : undefined
      const line = physical?.region?.startLine
      const col = physical?.region?.startColumn
      const message = result.message?.text ?? ruleDef?.shortDescription?.text ?? rule ?? 'result'
      out.push({
        ...(file ? { file } : {}),
        ...(line ? { line } : {}),
        ...(col ? { col } : {}),
        ...(rule ? { rule } : {}),
        severity: level === 'error' ? 'error' : 'warn',
        message,
      })
    }
  }
  return out
}

// --- internal ---

interface SarifLog {
  runs: SarifRun[]
}

interface SarifRun {
  tool?: {
    driver?: {
      rules?: { id?: string; shortDescription?: { text?: string }; defaultConfiguration?: { level?: string } }[]
    }
  }
  originalUriBaseIds?: Record<string, { uri?: string; uriBaseId?: string }>
  results?: SarifResult[]
}

interface SarifResult {
  ruleId?: string
  ruleIndex?: number
  rule?: { id?: string }
  kind?: string
  level?: string
  baselineState?: string
  suppressions?: unknown[]
  message?: { text?: string }
  locations?: {
    physicalLocation?: {
      artifactLocation?: { uri?: string; uriBaseId?: string }
      region?: { startLine?: number; startColumn?: number }
    }
  }[]
}

function resolveUri(uri: string, baseId: string | undefined, bases: SarifRun['originalUriBaseIds'] = {}): string {
  let path = uri
  const base = baseId ? bases[baseId]?.uri : undefined
  if (base && !/^[a-z][a-z0-9+.-]*:/i.test(uri)) path = `${base.endsWith('/') ? base : `${base}/`}${uri}`
  if (path.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(path).pathname)
    } catch {
      return path.slice('file://'.length)
    }
  }
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Finding } from './finding.ts'
import { PACKAGE_ROOT } from './repo-files.ts'

/** The SARIF 2.1.0 subset code-scanning viewers read. */
export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: SarifRun[]
}

interface SarifRun {
  tool: {
    driver: {
      name: string
      version: string
      rules: { id: string; name: string; shortDescription: { text: string }; help: { text: string } }[]
    }
  }
  originalUriBaseIds: Record<string, { uri: string }>
  results: SarifResult[]
}

interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: 'error' | 'warning'
  message: { text: string }
  locations?: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region?: { startLine: number } }
  }[]
  partialFingerprints: Record<string, string>
}

/**
 * Findings as one SARIF 2.1.0 run: rule ids are `<gate>/<rule>`, locations are relative to
 * %SRCROOT% (the gated root), fingerprints carry the finding's stable fingerprint.
 */
export function toSarif(findings: readonly Finding[], root: string): SarifLog {
  const rules: SarifRun['tool']['driver']['rules'] = []
  const ruleIndex = new Map<string, number>()
  const results: SarifResult[] = findings.map((f) => {
    const id = `${f.gate}/${f.rule}`
    let index = ruleIndex.get(id)
    if (index === undefined) {
      index = rules.length
      ruleIndex.set(id, index)
      rules.push({
        id,
        name: f.rule,
        shortDescription: { text: `${f.gate}: ${f.rule}` },
        help: { text: f.remediation },
      })
    }
    const result: SarifResult = {
      ruleId: id,
      ruleIndex: index,
      level: f.severity === 'error' ? 'error' : 'warning',
      message: { text: `${f.message} — fix: ${f.remediation}` },
      partialFingerprints: { 'codexGates/v1': f.fingerprint },
    }
    if (f.file) {
      result.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
            ...(f.line ? { region: { startLine: f.line } } : {}),
          },
        },
      ]
    }
    return result
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'codex-gates', version: packageVersion(), rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${encodeURI(root.endsWith('/') ? root : `${root}/`)}` } },
        results,
      },
    ],
  }
}

function packageVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0'
    )
  } catch {
    return '0.0.0'
  }
}

import { type Finding, makeFinding } from '../finding.ts'
import type { PyrightDiagnostic } from './run-pyright.ts'

/** What to do with imports pyright cannot resolve (torch is usually absent on a laptop). */
export type MissingImportsPolicy = 'warn-once' | 'error' | 'ignore'

export const MISSING_IMPORTS_POLICIES: readonly MissingImportsPolicy[] = ['warn-once', 'error', 'ignore']

/** One package pyright could not find, with every place that imports it. */
export interface MissingPackage {
  /** The top-level import name, e.g. `torch` for `import torch.nn`. */
  name: string
  /** What to install it as with pip, e.g. `scikit-learn` for `sklearn`. */
  pip: string
  sites: { file: string; line: number }[]
}

/**
 * Splits pyright's `reportMissingImports` / `reportMissingModuleSource` diagnostics of absolute
 * imports from the rest, grouped by top-level package. Relative imports (`from .x import y`)
 * that do not resolve are left with the rest: they are the repository's own bug, not an
 * uninstalled package.
 */
export function splitMissingImports(diagnostics: readonly PyrightDiagnostic[]): {
  missing: MissingPackage[]
  rest: PyrightDiagnostic[]
} {
  const byName = new Map<string, MissingPackage>()
  const rest: PyrightDiagnostic[] = []
  for (const d of diagnostics) {
    const name = MISSING_RULES.has(d.rule) ? IMPORT.exec(d.message)?.[1]?.split('.')[0] : undefined
    if (!name) {
      rest.push(d)
      continue
    }
    let entry = byName.get(name)
    if (!entry) {
      entry = { name, pip: pipName(name), sites: [] }
      byName.set(name, entry)
    }
    entry.sites.push({ file: d.file, line: d.line })
  }
  return { missing: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), rest }
}

/**
 * Applies the policy: `warn-once` drops the diagnostics and gives one warning per package with
 * its `pip install` line; `ignore` drops them silently; `error` keeps them as they are.
 */
export function applyMissingImports(
  diagnostics: readonly PyrightDiagnostic[],
  policy: MissingImportsPolicy,
  gate = 'python-types',
): { diagnostics: PyrightDiagnostic[]; findings: Finding[] } {
  if (policy === 'error') return { diagnostics: [...diagnostics], findings: [] }
  const { missing, rest } = splitMissingImports(diagnostics)
  if (policy === 'ignore') return { diagnostics: rest, findings: [] }
  const findings = missing.map((m) => {
    const first = m.sites[0] as { file: string; line: number }
    const files = new Set(m.sites.map((s) => s.file)).size
    return makeFinding({
      gate,
      rule: 'missing-import',
      severity: 'warn',
      file: first.file,
      line: first.line,
      message: `"${m.name}" is not installed in the Python environment pyright uses (imported ${m.sites.length} time${m.sites.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}); its type errors go unchecked`,
      remediation: `pip install ${m.pip} (into the interpreter pyright runs: python3 on PATH, or venvPath/venv in [tool.pyright]); if "${m.name}" is this repository's own code, add its folder to extraPaths in [tool.pyright]`,
      identity: m.name,
    })
  })
  return { diagnostics: rest, findings }
}

// --- internal ---

const MISSING_RULES = new Set(['reportMissingImports', 'reportMissingModuleSource'])

/** `Import "torch.nn" could not be resolved` (and `… could not be resolved from source`). */
const IMPORT = /^Import "([A-Za-z_][\w.]*)" could not be resolved/

/** Import names whose pip distribution is named differently (common in ML repositories). */
const PIP_NAMES: Record<string, string> = {
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  cv2: 'opencv-python',
  PIL: 'Pillow',
  yaml: 'PyYAML',
  bs4: 'beautifulsoup4',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  attr: 'attrs',
  jwt: 'PyJWT',
  serial: 'pyserial',
  google: 'protobuf',
  Crypto: 'pycryptodome',
  MySQLdb: 'mysqlclient',
  OpenGL: 'PyOpenGL',
  gi: 'PyGObject',
  wx: 'wxPython',
  fitz: 'PyMuPDF',
  docx: 'python-docx',
  magic: 'python-magic',
}

function pipName(name: string): string {
  return Object.hasOwn(PIP_NAMES, name) ? (PIP_NAMES[name] as string) : name
}

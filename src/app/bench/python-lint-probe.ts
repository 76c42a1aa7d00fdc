// One process of the python bench: `node python-lint-probe.mjs <root> [--tiering default]
// [--eager-validation] [--eager-compilation] <file…>` lints the files as the gate and the commit hook do, then prints one
// JSON line with the findings count and where the time went (ms since the process started).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { lintPythonText } from '../../domain/gates/python-lint/lint-python-text.ts'
import { RuffSettingsResolver } from '../../domain/gates/python-lint/ruff-settings-resolver.ts'
import { configureRuffEngine, ruffVersion, workspaceStats } from '../../domain/gates/python-lint/ruff-wasm.ts'

const imported = performance.now()
const { values, positionals } = parseArgs({
  options: {
    tiering: { type: 'string', default: 'liftoff' },
    'eager-validation': { type: 'boolean', default: false },
    'eager-compilation': { type: 'boolean', default: false },
  },
  allowPositionals: true,
})
const [root, ...files] = positionals
if (!root)
  throw new Error(
    'usage: python-lint-probe <root> [--tiering default] [--eager-validation] [--eager-compilation] <file…>',
  )
configureRuffEngine({
  tiering: values.tiering === 'default' ? 'default' : 'liftoff',
  lazyValidation: !values['eager-validation'],
  lazyCompilation: !values['eager-compilation'],
})
const version = ruffVersion()
const loaded = performance.now()
const resolver = new RuffSettingsResolver((path) => {
  try {
    return readFileSync(join(root, path), 'utf8')
  } catch {
    return undefined
  }
})
let findings = 0
let firstFileMs = 0
for (const file of files) {
  const started = performance.now()
  const settings = resolver.fileSettings(file)
  if (settings) findings += lintPythonText(file, readFileSync(join(root, file), 'utf8'), settings).length
  if (!firstFileMs) firstFileMs = performance.now() - started
}
const done = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(
  `${JSON.stringify({
    ruff: version,
    files: files.length,
    findings,
    importedMs: imported,
    wasmLoadMs: workspaceStats.loadMs,
    compileMs: workspaceStats.compileMs,
    instantiateMs: workspaceStats.instantiateMs,
    loadedMs: loaded,
    workspacesBuilt: workspaceStats.built,
    workspaceBuildMs: workspaceStats.buildMs,
    firstFileMs,
    doneMs: done,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
)

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { binVersion, resolveBin } from '../tool-version.ts'

/** Files Biome checks; the rest are not passed to it. */
const BIOME_FILES = /\.(?:[cm]?[jt]sx?|jsonc?|css|graphql|gql|html|vue|svelte|astro)$/
const CONFIGS = ['biome.json', 'biome.jsonc']
const BATCH = 1000

/** `::error title=lint/style/useConst,file=/abs/x.ts,line=1,endLine=1,col=1,endColumn=4::message` */
const GITHUB_LINE =
  /^::(error|warning|notice) title=([^,]*),file=([^,]*),line=(\d+),endLine=\d+,col=\d+,endColumn=\d+::(.*)$/

/** Parses Biome's `--reporter=github` output into findings. */
export function parseBiomeOutput(output: string, root: string): Finding[] {
  const findings: Finding[] = []
  for (const line of output.split(/\r?\n/)) {
    const m = GITHUB_LINE.exec(line)
    if (!m) continue
    const rule = m[2] as string
    const file = relative(root, resolve(root, unescapeData(m[3] as string)))
      .split(sep)
      .join('/')
    const message = unescapeData(m[5] as string)
      .replace(/\s+/g, ' ')
      .trim()
    findings.push(
      makeFinding({
        gate: 'lint',
        rule,
        severity: m[1] === 'error' ? 'error' : 'warn',
        file,
        line: Number(m[4]),
        message,
        remediation:
          rule === 'format'
            ? `run \`npx biome format --write ${file}\``
            : `fix it by hand or run \`npx biome check --write ${file}\` for safe fixes; the rule is explained at biomejs.dev/linter/rules/${kebab(rule)}`,
        identity: `${m[4]}:${message}`,
      }),
    )
  }
  return findings
}

/** `biome check` arguments, read-only, in the output `parseBiomeOutput` reads (gate and hook step alike). */
export function biomeCheckArgs(files: readonly string[], format: boolean): string[] {
  return [
    'check',
    '--reporter=github',
    '--colors=off',
    '--no-errors-on-unmatched',
    '--files-ignore-unknown=true',
    ...(format ? [] : ['--formatter-enabled=false']),
    ...files,
  ]
}

/** What installs Biome where it is missing (codex-gates does not depend on it: a repository picks its version). */
export const BIOME_INSTALL = 'npm i -D @biomejs/biome'

/** Biome lint + format check over the listed files; each diagnostic a finding. */
export async function scanLint(root: string, files: readonly string[], config: GateConfig<'lint'>) {
  const biome = resolveBin(root, 'biome')
  const targets = files.filter((f) => BIOME_FILES.test(f))
  const findings: Finding[] = []
  for (let i = 0; i < targets.length; i += BATCH) {
    const args = biomeCheckArgs(targets.slice(i, i + BATCH), config.format)
    findings.push(...(await runBiome(biome, args, root, config.timeout_ms)))
  }
  return { findings }
}

function runBiome(biome: string, args: string[], root: string, timeout: number): Promise<Finding[]> {
  return new Promise((done, fail) => {
    execFile(biome, args, { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        fail(new Error(`lint: Biome is not installed (no ${biome}); install it: ${BIOME_INSTALL}`))
        return
      }
      const findings = parseBiomeOutput(stdout, root)
      if (error) addBiomeFailure(findings, error.code ?? error.signal, `${stderr}${stdout}`)
      done(findings)
    })
  })
}

/**
 * Biome exited non-zero without reporting an error diagnostic (a broken biome.json, a crash):
 * that is itself an error finding, carrying the tail of Biome's output.
 */
export function addBiomeFailure(findings: Finding[], exit: string | number | null | undefined, output: string): void {
  if (findings.some((f) => f.severity === 'error')) return
  findings.push(
    makeFinding({
      gate: 'lint',
      rule: 'biome-failed',
      severity: 'error',
      file: null,
      line: null,
      message: `biome exited ${exit}: ${output.trim().slice(-2000)}`,
      remediation: 'run `npx biome check .` in the repository; a broken biome.json is the usual cause',
    }),
  )
}

function unescapeData(text: string): string {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%')
}

function kebab(rule: string): string {
  const name = rule.slice(rule.lastIndexOf('/') + 1)
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}

export const lintGate: Gate<'lint'> = {
  name: 'lint',
  description: 'Biome lint and format check',
  skipReason: (root) => (CONFIGS.some((c) => existsSync(join(root, c))) ? undefined : 'no biome.json at the root'),
  cacheInputs: (root, files) => ({
    contents: [...files.filter((f) => BIOME_FILES.test(f)), ...CONFIGS],
    extra: { biome: binVersion(resolveBin(root, 'biome')) },
  }),
  scan: scanLint,
}

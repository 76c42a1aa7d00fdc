import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { formatFinding } from '../domain/gates/finding.ts'
import { GATE_NAMES, type GateName, loadGatesConfig } from '../domain/gates/gates-config.ts'
import { buildManifest, writeManifest } from '../domain/gates/integrity/manifest.ts'
import { gatesRoot, PACKAGE_ROOT } from '../domain/gates/repo-files.ts'
import { gateFiles, runGate } from '../domain/gates/run-gate.ts'
import { toSarif } from '../domain/gates/sarif.ts'
import { nearest } from '../foundation/cli/nearest.ts'
import { parseArgs } from '../foundation/cli/parse-args.ts'
import { INSTALLED, userCommand } from '../foundation/cli/user-command.ts'
import { EXIT, UserError } from '../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../foundation/fs/write-file-atomic.ts'
import { redactText } from '../foundation/redact/redact.ts'
import { sameContent, takeBaseline } from './init/take-baselines.ts'

export const GATES_HELP = `usage: ${userCommand('run')}${INSTALLED ? '' : ' [-- <vitest flags>]'} [--root DIR] [--no-cache]
       ${userCommand('scan')} <gate> [files…] [--root DIR] [--json | --sarif]
       ${userCommand('manifest')} [--root DIR]
       ${userCommand('baseline')} <gate> [--root DIR]

Without a command: runs every gate as the Vitest project "gates" (results in the ledger).
  --root DIR     the repository to gate (sets GATES_ROOT; default: this repository)
  --no-cache     re-run gates whose inputs are unchanged instead of reusing their result
  other flags go to vitest (e.g. -t secrets, --reporter=verbose)

scan       runs one scanner outside Vitest and prints its findings; exit 1 on any error
           finding. Files after the gate name limit the scan (what lint-staged passes):
           relative to --root, or absolute inside it; a missing file is exit 2.
manifest   writes .codex/pre_manifest.json (path → sha256, size) for the integrity gate.
baseline   accepts today's findings of one gate: they stay as warnings, only new ones fail.
           placeholders: per-file counts at gates.placeholders.baseline; any other gate:
           finding fingerprints and counts in <baselines>/<gate>.json (default
           .codex-gates/baselines; a secret is stored as a hash of its hash, never as text).

gates: ${GATE_NAMES.join(', ')}
config: codex-gates.json (schema: configs/schemas/codex-gates.schema.json)
`

/** Dependencies the commands take, so specs can run them without spawning. */
export interface GatesCliIo {
  stdout: (text: string) => void
  env: NodeJS.ProcessEnv
  /** Runs the Vitest gates project; returns its exit code. */
  runVitest: (args: string[], env: NodeJS.ProcessEnv) => Promise<number>
  /** `codex-gates run` with these flags (a warm run starts no Vitest); without it, runVitest. */
  runGates?: (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>
}

const defaultIo: GatesCliIo = {
  stdout: (text) => process.stdout.write(text),
  env: process.env,
  runVitest: spawnVitest,
  runGates: async (argv, env) => (await import('./cli/run-gates-from-npm.ts')).runGatesFromNpm(argv, env),
}

/** `npm run gates -- …`: dispatches to the commands; returns the exit code. */
export async function gatesCli(argv: string[], io: GatesCliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(GATES_HELP)
    return EXIT.ok
  }
  if (command === 'scan') return scanCommand(rest, io)
  if (command === 'manifest') return manifestCommand(rest, io)
  if (command === 'baseline') return baselineCommand(rest, io)
  if (command !== undefined && !command.startsWith('-')) {
    const close = nearest(command, ['scan', 'manifest', 'baseline'])
    throw new UserError(
      'BAD_USAGE',
      `unknown command "${command}"`,
      `${close ? `did you mean ${close}? ` : ''}see \`${INSTALLED ? 'npx codex-gates --help' : 'npm run gates -- --help'}\``,
    )
  }
  return runAllCommand(argv, io)
}

/** No command: validate the config, then `vitest run --project gates` with the rest of argv. */
async function runAllCommand(argv: string[], io: GatesCliIo): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...io.env }
  const passThrough: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--no-cache') env.CODEX_GATES_NO_CACHE = '1'
    else if (arg === '--root' || arg.startsWith('--root=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
      if (!value) throw new UserError('BAD_FLAG', '--root needs a folder', 'e.g. npm run gates -- --root ../other-repo')
      env.GATES_ROOT = value
    } else passThrough.push(arg)
  }
  // Fail fast with exit 2 on a bad root or config, before Vitest starts a worker per gate.
  const root = gatesRoot(env)
  env.GATES_ROOT = root
  loadGatesConfig(root, env)
  if (passThrough.length === 0 && io.runGates)
    return io.runGates(['--root', root, ...(argv.includes('--no-cache') ? ['--no-cache'] : [])], env)
  return io.runVitest(['run', '--project', 'gates', ...passThrough], env)
}

async function scanCommand(argv: string[], io: GatesCliIo): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    { root: { type: 'string' }, json: { type: 'boolean' }, sarif: { type: 'boolean' } },
    userCommand('scan'),
  )
  if (values.help) {
    io.stdout(GATES_HELP)
    return EXIT.ok
  }
  const [name, ...files] = positionals
  if (!name) throw new UserError('GATES_SCAN', 'scan needs a gate name', `choose one of: ${GATE_NAMES.join(', ')}`)
  const gate = checkGateName(name)
  if (values.json && values.sarif) throw new UserError('BAD_FLAG', '--json and --sarif exclude each other', 'pick one')
  const root = gatesRoot(io.env, values.root)
  const run = await runGate(gate, { root, env: io.env, useCache: false, files: files.length > 0 ? files : undefined })
  if (values.sarif) {
    io.stdout(`${redactText(JSON.stringify(toSarif(run.findings, root), null, 2))}\n`)
  } else if (values.json) {
    const payload = {
      gate: run.gate,
      status: run.status,
      reason: run.reason ?? null,
      root,
      duration_ms: run.durationMs,
      findings: run.findings,
    }
    io.stdout(`${redactText(JSON.stringify(payload, null, 2))}\n`)
  } else {
    for (const f of run.findings) io.stdout(`${redactText(formatFinding(f))}\n`)
    const errors = run.findings.filter((f) => f.severity === 'error').length
    const summary =
      run.status === 'skipped'
        ? `${gate}: skipped (${run.reason})`
        : `${gate}: ${run.status}, ${errors} error(s), ${run.findings.length - errors} warning(s), ${run.fileCount} file(s), ${run.durationMs} ms`
    io.stdout(`${summary}\n`)
  }
  return run.status === 'failed' ? EXIT.failed : EXIT.ok
}

async function manifestCommand(argv: string[], io: GatesCliIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, { root: { type: 'string' } }, userCommand('manifest'))
  if (values.help) {
    io.stdout(GATES_HELP)
    return EXIT.ok
  }
  if (positionals.length > 0)
    throw new UserError(
      'BAD_USAGE',
      `manifest takes no arguments, got "${positionals[0]}"`,
      `${userCommand('manifest')} [--root DIR]`,
    )
  const root = gatesRoot(io.env, values.root)
  const config = loadGatesConfig(root, io.env)
  const rel = config.gates.integrity.manifest
  const files = gateFiles(root, config, 'integrity').filter((f) => f !== rel)
  const manifest = buildManifest(root, files)
  writeManifest(join(root, rel), manifest)
  io.stdout(`wrote ${rel}: ${Object.keys(manifest.files).length} files\n`)
  return EXIT.ok
}

async function baselineCommand(argv: string[], io: GatesCliIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, { root: { type: 'string' } }, userCommand('baseline'))
  if (values.help) {
    io.stdout(GATES_HELP)
    return EXIT.ok
  }
  const [what, ...extra] = positionals
  if (!what || extra.length > 0) {
    throw new UserError(
      'BAD_USAGE',
      what ? `baseline takes one gate name, got "${what}" and "${extra[0]}"` : 'baseline needs a gate name',
      `e.g. ${userCommand('baseline secrets')}; gates: ${GATE_NAMES.join(', ')}`,
    )
  }
  const gate = checkGateName(what)
  const root = gatesRoot(io.env, values.root)
  const config = loadGatesConfig(root, io.env)
  const taken = await takeBaseline(gate, { root, config, env: io.env })
  if ('skipped' in taken) {
    io.stdout(`${gate}: not run here (${taken.skipped}); no baseline written\n`)
    return EXIT.ok
  }
  const { path, content, reason } = taken.write
  if (sameContent(root, path, content)) {
    io.stdout(`${path} unchanged: ${reason}\n`)
    return EXIT.ok
  }
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileAtomic(join(root, path), content)
  io.stdout(`wrote ${path}: ${reason}\n`)
  return EXIT.ok
}

function checkGateName(name: string): GateName {
  if ((GATE_NAMES as string[]).includes(name)) return name as GateName
  const close = nearest(name, GATE_NAMES)
  throw new UserError(
    'GATES_SCAN',
    `no gate named "${name}"`,
    `${close ? `did you mean ${close}? ` : ''}gates: ${GATE_NAMES.join(', ')}`,
  )
}

/**
 * Spawns Vitest (default: this repository's) with inherited stdio and returns its exit code; 130
 * when it died of SIGINT, 3 for another signal. `bin` is a parameter so specs can spawn a stand-in.
 */
export function spawnVitest(
  args: string[],
  env: NodeJS.ProcessEnv,
  bin = join(PACKAGE_ROOT, 'node_modules', '.bin', 'vitest'),
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: PACKAGE_ROOT, env, stdio: 'inherit' })
    child.on('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new UserError('NO_VITEST', `vitest is not installed at ${bin}`, 'run `npm ci`')
          : error,
      ),
    )
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : EXIT.bug)))
  })
}

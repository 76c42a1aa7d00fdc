import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { envValue } from '../../foundation/settings/env-value.ts'
import { JunitXmlError, type PytestCase, parseJunitXml } from './parse-junit-xml.ts'
import type { PythonDriftSettings } from './python-drift-config.ts'

/** What the hiding `sitecustomize.py` reported from the cell's Python processes. */
export interface HidingProof {
  /** At least one Python process started with it: the hiding was in effect. */
  started: boolean
  /** Imports refused, per hidden name, over all processes. */
  refused: Record<string, number>
  /** Per hidden name that was asked for: would it have been found without the hiding (installed)? */
  present: Record<string, boolean>
  /** Hidden modules already imported at start-up (by a `.pth` file), dropped from sys.modules. */
  purged: string[]
  python: string | undefined
}

/** One cell's run of the test command. */
export interface PythonCellRun {
  hidden: string[]
  /** The configured command. */
  command: string[]
  /** The command as run (with the report flags). */
  argv: string[]
  cwd: string
  exitCode: number | null
  timedOut: boolean
  /** Wall time of the command, start-up and collection included. */
  durationMs: number
  cases: PytestCase[]
  proof: HidingProof
  /** The last lines of stdout and stderr together. */
  output: string
  /** Why the run gave no usable results (command not found, no report, broken report), if so. */
  problem?: string
}

export interface RunPythonCellOptions {
  /** The gated repository. */
  root: string
  settings: PythonDriftSettings
  /** Top-level or dotted module names to make unimportable; [] for the baseline. */
  hidden: readonly string[]
  env?: NodeJS.ProcessEnv
}

/** Where the report path goes in a command that is not plain pytest (`make test ARGS=--junitxml={junitxml}`). */
export const JUNIT_PLACEHOLDER = '{junitxml}'

/**
 * Runs the team's test command once with `hidden` made unimportable: a temp folder holding the
 * hiding `sitecustomize.py` goes first on PYTHONPATH (inherited by every Python process the
 * command starts), and pytest writes a JUnit XML report there. Unless the command places the
 * report itself (`{junitxml}`), these are appended: `--junitxml=<tmp>`, `-o junit_family=xunit1`
 * (file and line per test), `-p no:cacheprovider` (cells must not reorder each other through
 * `.pytest_cache`, nor write it into the repository) and `--continue-on-collection-errors` (a
 * test file whose top-level import fails must not stop the other files). Never throws for a
 * failing command: everything is in the result. The temp folder is removed.
 */
export async function runPythonCell(options: RunPythonCellOptions): Promise<PythonCellRun> {
  const { settings, hidden } = options
  const dir = mkdtempSync(join(tmpdir(), 'codex-python-drift-'))
  try {
    writeFileSync(join(dir, 'sitecustomize.py'), readFileSync(SITECUSTOMIZE))
    const junit = join(dir, 'junit.xml')
    const proofPath = join(dir, 'proof.ndjson')
    const argv = commandWithReport(settings.command, junit)
    const cwd = resolve(options.root, settings.cwd)
    const base = options.env ?? process.env
    const env: NodeJS.ProcessEnv = {
      ...base,
      PYTHONPATH: pythonPath(dir, envValue('PYTHONPATH', base)),
      CODEX_PYTHON_DRIFT_WITHOUT: hidden.join(','),
      CODEX_PYTHON_DRIFT_PROOF: proofPath,
    }
    const started = performance.now()
    const exit = await run(argv, cwd, env, settings.timeout_ms)
    const durationMs = Math.round(performance.now() - started)
    const proof = readProof(proofPath)
    const result: PythonCellRun = {
      hidden: [...hidden],
      command: [...settings.command],
      argv,
      cwd,
      exitCode: exit.code,
      timedOut: exit.timedOut,
      durationMs,
      cases: [],
      proof,
      output: exit.output,
    }
    if (exit.spawnError) return { ...result, problem: exit.spawnError }
    if (exit.timedOut) return { ...result, problem: `the command ran past ${settings.timeout_ms} ms and was stopped` }
    if (!existsSync(junit)) {
      return {
        ...result,
        problem: `the command exited ${exit.code} without writing the JUnit report it was asked for (${argv.some((a) => a.includes(junit)) ? 'is it pytest?' : 'no --junitxml'})`,
      }
    }
    try {
      return { ...result, cases: parseJunitXml(readFileSync(junit, 'utf8')) }
    } catch (error) {
      if (error instanceof JunitXmlError) return { ...result, problem: `pytest's report: ${error.message}` }
      throw error
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The command with the report flags (see `runPythonCell`), or with `{junitxml}` replaced. */
export function commandWithReport(command: readonly string[], junit: string): string[] {
  if (command.some((a) => a.includes(JUNIT_PLACEHOLDER)))
    return command.map((a) => a.replaceAll(JUNIT_PLACEHOLDER, junit))
  return [
    ...command,
    `--junitxml=${junit}`,
    '-o',
    'junit_family=xunit1',
    '-p',
    'no:cacheprovider',
    '--continue-on-collection-errors',
  ]
}

// --- internal ---

/** The hiding module, shipped beside this file (copied into dist/ by the build). */
function pythonPath(first: string, rest: string | undefined): string {
  return rest ? `${first}${delimiter}${rest}` : first
}

const SITECUSTOMIZE = new URL('./python-drift-sitecustomize.py', import.meta.url)

/** How much of the output is kept. */
const OUTPUT_TAIL = 8_000

interface Exit {
  code: number | null
  timedOut: boolean
  output: string
  spawnError?: string
}

function run(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Exit> {
  const [file, ...args] = argv as [string, ...string[]]
  return new Promise((done) => {
    // Its own process group, so a timeout stops pytest's workers (xdist) too.
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let output = ''
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL * 2)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-(child.pid as number), 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, timeoutMs)
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const why = error.code === 'ENOENT' ? `${file} not found on PATH (or ${cwd} does not exist)` : error.message
      done({ code: null, timedOut, output, spawnError: `cannot run ${argv.join(' ')}: ${why}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code, timedOut, output: output.slice(-OUTPUT_TAIL) })
    })
  })
}

function readProof(path: string): HidingProof {
  const proof: HidingProof = { started: false, refused: {}, present: {}, purged: [], python: undefined }
  if (!existsSync(path)) return proof
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue
    let entry: {
      event?: string
      refused?: Record<string, number>
      present?: Record<string, boolean>
      purged?: string[]
      python?: string
    }
    try {
      entry = JSON.parse(line)
    } catch {
      continue // a line cut short by a process killed mid-write
    }
    if (entry.event === 'start') {
      proof.started = true
      proof.python ??= entry.python
      for (const m of entry.purged ?? []) if (!proof.purged.includes(m)) proof.purged.push(m)
    }
    for (const [name, n] of Object.entries(entry.refused ?? {})) proof.refused[name] = (proof.refused[name] ?? 0) + n
    for (const [name, found] of Object.entries(entry.present ?? {})) proof.present[name] ||= found
  }
  return proof
}

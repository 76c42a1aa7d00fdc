import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { childEnv, REPO_ROOT } from '../../../support/temp-dir.ts'

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
const SCRIPT = join(REPO_ROOT, 'scripts', 'train.ts')

/** NODE_OPTIONS that make onnxruntime-node look uninstalled in the child. */
export const HIDE_ORT = `--import=${join(REPO_ROOT, 'specs', 'fixtures', 'train', 'hide-onnxruntime.mjs')}`

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the real `scripts/train.ts` through tsx with a temp ledger. */
export function runTrainCli(args: string[], ledger: string, extra: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [SCRIPT, ...args],
      { cwd: REPO_ROOT, env: childEnv(ledger, extra), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr })
      },
    )
  })
}

/** A CLI started without waiting (for signal tests), with its output so far. */
export interface StartedCli {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves once stdout matches `pattern`. */
  until(pattern: RegExp): Promise<void>
  /**
   * Resolves when every process holding the CLI's stdout and stderr has exited (tsx, the relay
   * and the trainer), not only tsx: its exit code or signal.
   */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts the CLI through tsx; `detached` puts it at the head of its own process group (to signal the group). */
export function startTrainCli(args: string[], ledger: string, options: { detached?: boolean } = {}): StartedCli {
  const child = spawn(TSX, [SCRIPT, ...args], {
    cwd: REPO_ROOT,
    env: childEnv(ledger),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  })
  let stdout = ''
  let stderr = ''
  const waiters: { pattern: RegExp; resolve: () => void }[] = []
  child.stdout?.on('data', (d) => {
    stdout += d
    for (const w of waiters.filter((x) => x.pattern.test(stdout))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    until: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ pattern, resolve })
            void closed.then(() => reject(new Error(`exited before ${pattern}: ${stdout}\n${stderr}`)))
          }),
    closed,
  }
}

/** Parent pid of `pid` (Linux /proc), or undefined. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** True when `text` holds a JavaScript stack trace line. */
export function hasStack(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text)
}

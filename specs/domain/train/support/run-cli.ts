import { type ChildProcess, execFile, spawn } from 'node:child_process'
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

/** Starts the CLI without waiting (for signal tests). */
export function startTrainCli(args: string[], ledger: string): ChildProcess {
  return spawn(TSX, [SCRIPT, ...args], { cwd: REPO_ROOT, env: childEnv(ledger), stdio: ['ignore', 'pipe', 'pipe'] })
}

/** True when `text` holds a JavaScript stack trace line. */
export function hasStack(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text)
}

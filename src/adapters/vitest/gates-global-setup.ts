import type { TestProject } from 'vitest/node'
import { reportError } from '../../foundation/cli/run-main.ts'
import { loadGatesSetup } from './gates-setup.ts'

/**
 * The gates project's globalSetup, in Vitest's main process: resolves the gated root and loads
 * and validates its config once, then provides both to every gate file (`inject('codexGates')`).
 * A bad root or config prints the message and hint `npm run gates` prints and exits 2 before any
 * worker starts; loaded in each gate file instead, it failed collection twelve times, each with
 * a stack trace. (Thrown from here, Vitest prints "No test files found" above the error.)
 */
export default function setup(project: TestProject): void {
  try {
    // The process's environment, and where it is silent the project's `env` (what `codex-gates run`
    // sets: GATES_ROOT for --root, CODEX_GATES_STAGE for --stage).
    project.provide('codexGates', loadGatesSetup({ ...project.config.env, ...process.env }))
  } catch (error) {
    process.stderr.write('\n')
    process.exit(reportError(error))
  }
}

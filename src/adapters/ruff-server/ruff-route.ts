import type { ScanResult } from '../../domain/gates/gate.ts'
import type { RuffConfigFile } from '../../domain/gates/python-lint/load-ruff-chain.ts'
import {
  lintRequest,
  type PythonLintConfig,
  planPythonLint,
  pythonLintResult,
} from '../../domain/gates/python-lint/python-lint-gate.ts'
import { warmUpRuff } from '../../domain/gates/python-lint/warm-up-ruff.ts'
import type { ErrorCode } from '../../foundation/errors/error-codes.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { EventMeta } from '../../ledger/ledger-meta.ts'
import { connectRuffServer, type RuffClient, RuffEngineError } from './ruff-client.ts'
import { ruffServerDir, ruffServerEntry, ruffServerIdentity, ruffSocketPath } from './ruff-server-place.ts'
import { ruffServerPolicy } from './ruff-server-policy.ts'
import { spawnRuffServer } from './spawn-ruff-server.ts'

/**
 * How long a hook waits for a server's hello (ms). A local socket answers in ~1 ms; on a 2-core
 * machine at load 6, 2 of 10 hellos took over 150 ms. A dead server costs nothing (its socket
 * refuses at once); only a live server that does not answer costs this wait.
 */
const CONNECT_MS = 500
/** How long one lint request may take on the server before this process lints in-process (ms). */
const LINT_MS = 10_000

/**
 * How this process lints Python: through the warm ruff server when one with its identity
 * answers, else in-process (ruff warmed up here, as without a server) and, unless the policy
 * says not to, a server started in the background for the next run. `openRuffRoute` is the
 * warm-up the hook's worker starts early; `scan` is the python-lint step.
 */
export interface RuffRoute {
  /** The python-lint scan: the server's answers or the in-process ones, with an event saying which. */
  scan(root: string, files: readonly string[], config: PythonLintConfig): Promise<ScanResult>
}

export async function openRuffRoute(env: NodeJS.ProcessEnv): Promise<RuffRoute> {
  const found = await findServer(env).catch((error: unknown) => ({
    // A server that cannot even be looked for (an unreadable folder or bundle) is no reason to fail the step.
    why: `not used: ${error instanceof Error ? error.message : String(error)}`,
  }))
  if ('client' in found) return viaServer(env, found.client)
  await warmed()
  return inProcess(env, found.why, 'start' in found ? found.start : undefined)
}

// --- internal ---

type Start = () => { pid: number | undefined; ms: number }

/** The server with this process's identity, or why there is none (and how to start one, where allowed to look). */
async function findServer(env: NodeJS.ProcessEnv): Promise<{ client: RuffClient } | { why: string; start?: Start }> {
  const policy = ruffServerPolicy(env)
  if (!policy.use) return { why: `not used: ${policy.why}` }
  const place = ruffServerDir(env)
  if ('refused' in place) return { why: `not used: ${place.refused}` }
  const entry = ruffServerEntry()
  const identity = ruffServerIdentity(entry)
  const connected = await connectRuffServer(ruffSocketPath(place.dir, identity), identity, CONNECT_MS)
  if (connected.client) return { client: connected.client }
  const start = () => {
    const started = performance.now()
    const pid = spawnRuffServer(entry, place.dir, policy.idleMs, env)
    return { pid, ms: performance.now() - started }
  }
  return { why: connected.why, start }
}

/** In-process ruff's warm-up (its failure is the scan's to report). */
async function warmed(): Promise<void> {
  await warmUpRuff().catch(() => {})
}

function inProcess(env: NodeJS.ProcessEnv, why: string, start?: Start): RuffRoute {
  return {
    scan: async (root, files, config) => {
      const plan = planPythonLint(root, files, config)
      const result = pythonLintResult(plan, plan.requests.map(lintRequest))
      const policy = ruffServerPolicy(env, config)
      // Started after the scan, so its fork is not counted in the step (its cost is in the event).
      const started = start && policy.spawn ? start() : undefined
      const spawnNote = started
        ? `; started one (pid ${started.pid ?? 'none'}, ${started.ms.toFixed(1)} ms) for the next commit`
        : policy.spawn
          ? ''
          : `; none started (${policy.why})`
      return withEvent(result, {
        role: 'tool',
        level: 'info',
        message: `python-lint: linted in-process (warm ruff server: ${why}${spawnNote})`,
        data: { step: 'python-lint', ruff_server: 'cold', why, spawned_pid: started?.pid, spawn_ms: started?.ms },
      })
    },
  }
}

function viaServer(env: NodeJS.ProcessEnv, client: RuffClient): RuffRoute {
  return {
    scan: async (root, files, config) => {
      const policy = ruffServerPolicy(env, config)
      // The plan collects the ruff config files for the server to check, so ruff never loads here;
      // a plan that throws is made again in-process, so its error is exactly the in-process one.
      const configs: RuffConfigFile[] = []
      let plan: ReturnType<typeof planPythonLint> | undefined
      try {
        if (policy.use) plan = planPythonLint(root, files, config, (c) => configs.push(c))
      } catch {
        plan = undefined
      }
      if (!plan) {
        client.close()
        return inProcess(
          env,
          policy.use ? 'not used: the ruff settings need checking here' : `not used: ${policy.why}`,
        ).scan(root, files, config)
      }
      try {
        const findings = await client.lint(configs, plan.requests, LINT_MS)
        return withEvent(pythonLintResult(plan, findings), {
          role: 'tool',
          level: 'info',
          message: `python-lint: linted by the warm ruff server (pid ${client.pid}, ${plan.requests.length} file${plan.requests.length === 1 ? '' : 's'})`,
          data: { step: 'python-lint', ruff_server: 'served', pid: client.pid },
        })
      } catch (error) {
        if (error instanceof RuffEngineError) {
          throw error.code
            ? new UserError(error.code as ErrorCode, error.message, error.hint)
            : new Error(error.message)
        }
        const why = error instanceof Error ? error.message : String(error)
        // Checked and linted here from the start, as without a server.
        const result = pythonLintResult(plan, planPythonLint(root, files, config).requests.map(lintRequest))
        return withEvent(result, {
          role: 'tool',
          level: 'warn',
          message: `python-lint: the warm ruff server failed (${why}); linted in-process instead`,
          data: { step: 'python-lint', ruff_server: 'fallback', why },
        })
      } finally {
        client.close()
      }
    },
  }
}

function withEvent(result: ScanResult, event: EventMeta): ScanResult {
  return { ...result, events: [...(result.events ?? []), event] }
}

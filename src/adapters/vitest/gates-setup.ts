import { GATE_STAGES, type GateStage } from '../../domain/gates/command/command-config.ts'
import { type GatesConfig, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { envValue } from '../../foundation/settings/env-value.ts'

/** What every gate file needs before it can define its test: the gated root and its config. */
export interface GatesSetup {
  root: string
  config: GatesConfig
  /** Which command gates and hooks run: `CODEX_GATES_STAGE` (`codex-gates run --stage`), default `ci`. */
  stage: GateStage
}

declare module 'vitest' {
  interface ProvidedContext {
    /** Provided by the gates project's globalSetup (gates-global-setup.ts). */
    codexGates: GatesSetup
    /** The ledger session of the run, provided by the ledger reporter when it is configured. */
    codexSessionId?: string
  }
}

/** Resolves `GATES_ROOT` and loads, validates and resolves its gates config. Throws UserError. */
export function loadGatesSetup(env: NodeJS.ProcessEnv = process.env): GatesSetup {
  const root = gatesRoot(env)
  return { root, config: loadGatesConfig(root, env), stage: gatesStage(env) }
}

/** The stage a gates run is: `CODEX_GATES_STAGE`, else `ci`. */
export function gatesStage(env: NodeJS.ProcessEnv = process.env): GateStage {
  const stage = envValue('CODEX_GATES_STAGE', env) ?? 'ci'
  if (!(GATE_STAGES as readonly string[]).includes(stage)) {
    throw new UserError(
      'GATES_STAGE',
      `CODEX_GATES_STAGE is "${stage}", not a stage`,
      `set it to one of ${GATE_STAGES.join(', ')} (or pass --stage to codex-gates run)`,
    )
  }
  return stage as GateStage
}

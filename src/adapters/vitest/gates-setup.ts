import { type GatesConfig, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'

/** What every gate file needs before it can define its test: the gated root and its config. */
export interface GatesSetup {
  root: string
  config: GatesConfig
}

declare module 'vitest' {
  interface ProvidedContext {
    /** Provided by the gates project's globalSetup (gates-global-setup.ts). */
    codexGates: GatesSetup
  }
}

/** Resolves `GATES_ROOT` and loads, validates and resolves its gates config. Throws UserError. */
export function loadGatesSetup(env: NodeJS.ProcessEnv = process.env): GatesSetup {
  const root = gatesRoot(env)
  return { root, config: loadGatesConfig(root, env) }
}

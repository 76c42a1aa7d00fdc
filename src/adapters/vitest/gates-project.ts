import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import { PARALLEL_GATES } from '../../domain/gates/parallel-gates.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'

/** Where the gate specs live: compiled under `dist/gates/` in the installed package, `gates/` in a checkout. */
export function gateSpecsDir(): { dir: string; include: string[] } {
  const compiled = join(PACKAGE_ROOT, 'dist', 'gates')
  if (import.meta.url.endsWith('.js') && existsSync(compiled)) return { dir: compiled, include: ['*.gate.js'] }
  return { dir: join(PACKAGE_ROOT, 'gates'), include: ['*.gate.ts'] }
}

export interface GatesProjectOptions {
  /** Extra environment for the gate workers (this repository adds its spec guard). */
  env?: Record<string, string>
}

/**
 * The Vitest project `gates`: one test per gate, run against `root` (the gated repository). The
 * same definition serves this repository's own workspace, `withCodexGates` in a user's config and
 * `codex-gates run`, so `npx vitest run --project gates` and `codex-gates run` run the same thing.
 */
export function gatesProject(root: string, options: GatesProjectOptions = {}): TestProjectInlineConfiguration {
  const specs = gateSpecsDir()
  return {
    test: {
      name: 'gates',
      root,
      dir: specs.dir,
      include: specs.include,
      // The specs live inside node_modules when installed: Vitest's default exclude would drop them.
      exclude: [],
      env: { GATES_ROOT: root, ...options.env },
      testTimeout: 120_000,
      // Declared gates (commands.gate's test.concurrent) at once: as many as the in-process run.
      maxConcurrency: PARALLEL_GATES,
      // Gate specs share no state; one module graph for all of them cut cold runs ~25% and warm
      // (cached) runs ~3x in the gates benchmark.
      isolate: false,
      // Loads and validates the gates config once in the main process for every gate file; a bad
      // config exits 2 with one message instead of failing each gate file's collection.
      globalSetup: [join(HERE, `gates-global-setup${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`)],
    },
  }
}

const HERE = dirname(fileURLToPath(import.meta.url))

// The project list. Vitest 4 no longer reads this file by itself: vitest.config.ts imports it
// into `test.projects` (see ../shared/notes/vitest4.md), and specs/workspace.spec.ts guards that.
import { fileURLToPath } from 'node:url'
import type { TestProjectInlineConfiguration } from 'vitest/config'
import { driftProjects } from './src/adapters/vitest/drift-projects.ts'
import { gatesProject } from './src/adapters/vitest/gates-project.ts'
import { pythonDriftProjects } from './src/adapters/vitest/python-drift-projects.ts'
import { envValue } from './src/foundation/settings/env-value.ts'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Every spec process runs with the ledger guard on: no spec can write the real `.codex/`. No spec's
 * commit hook starts a warm ruff server or a hook standby that outlives it (the ruff-server and
 * standby specs turn them on, and stop what they started).
 */
export const specEnv = {
  CODEX_LEDGER_SPEC_GUARD: '1',
  CODEX_REAL_ROOT: root.replace(/\/$/, ''),
  CODEX_RUFF_SERVER: '0',
  CODEX_HOOK_STANDBY: '0',
}

export const projects: TestProjectInlineConfiguration[] = [
  {
    test: {
      name: 'unit',
      include: ['specs/**/*.spec.ts'],
      exclude: ['specs/fixtures/**', 'node_modules/**'],
      env: specEnv,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  },
  // The gates project, as `codex-gates run` and withCodexGates define it; gates reuse passed config
  // validations like the CLIs do.
  // GATES_ROOT (npm run gates -- --root DIR) picks the repository to gate; default this one.
  gatesProject(envValue('GATES_ROOT') ?? root.replace(/\/$/, ''), {
    env: { ...specEnv, CODEX_VALIDATION_MEMO: `${root}.codex/validated-configs.json` },
  }),
  // Always defined: where no WebGPU adapter exists every test skips with the adapter error as its reason.
  { test: { name: 'smoke-gpu', include: ['specs/smoke/gpu/**/*.smoke.ts'], env: specEnv, testTimeout: 600_000 } },
  // Real train CLI in child processes (exact resume, SIGKILL during saves): minutes, not seconds.
  { test: { name: 'smoke-cpu', include: ['specs/smoke/cpu/**/*.smoke.ts'], env: specEnv, testTimeout: 900_000 } },
  // Packs codex-gates and installs it into fresh copies of specs/fixtures/adoption/* as a user does,
  // then drives init, run, commit and push there with real git and npm (specs/adoption/).
  {
    test: {
      name: 'adoption',
      include: ['specs/adoption/**/*.adoption.ts'],
      env: specEnv,
      globalSetup: ['specs/adoption/pack-tarball.ts'],
      testTimeout: 300_000,
      hookTimeout: 600_000,
    },
  },
  // drift:without-<dep>: one per cell of configs/drift.json, the dependency hidden by a resolve hook.
  ...driftProjects(root, { env: specEnv }),
  // python-drift:*: the Python suite's cells, from `python_drift` in codex-gates.json (none here).
  ...pythonDriftProjects(root.replace(/\/$/, ''), { env: specEnv }),
]

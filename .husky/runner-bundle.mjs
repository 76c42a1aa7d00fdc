// The prebuilt hook runner: scripts/hook.ts and its gate worker bundled into .codex/hook/
// (git-ignored), so a commit pays for one plain `node` start instead of tsx compiling TypeScript
// on every hook (measured by `npm run bench -- hook`). src/foundation/build/prebuilt-bundle.mjs does the work.
// Plain JavaScript on purpose: it must run where tsx is not loaded.
import { join } from 'node:path'
import { GATE_SOURCES } from '../src/domain/gates/gate-sources.mjs'
import { BUNDLED_SQLITE } from '../src/foundation/build/bundled-packages.mjs'
import { prebuiltBundle, ROOT, runCodeCached } from '../src/foundation/build/prebuilt-bundle.mjs'

export { ROOT, runCodeCached }

/** Inside the package, so `findPackageRoot` (src/foundation/fs/package-root.ts) finds the root from the bundle. */
export const BUNDLE_DIR = join(ROOT, '.codex', 'hook')

const bundle = prebuiltBundle({
  dir: BUNDLE_DIR,
  entries: {
    runner: 'scripts/hook.ts',
    'gate-worker': 'src/adapters/hooks/gate-worker.ts',
    // The warm ruff server the gate worker starts in the background (src/adapters/ruff-server/).
    'ruff-server': 'src/adapters/ruff-server/ruff-server-main.ts',
  },
  // Split so what most runs never need (the config validator and ajv, rarely used gates) loads lazily.
  splitting: true,
  // The .pre-commit-config.yaml reader's YAML parser: bundled, it loads in ~11 ms instead of ~28.
  // better-sqlite3's JavaScript: compiled from the runner's code cache (used where it is the
  // installed version, src/foundation/optional/sqlite-driver.ts).
  bundled: ['yaml', BUNDLED_SQLITE],
  // The runner as one CommonJS-shaped file compiled through V8's code cache (runCodeCached): a
  // commit pays for deserializing what the last hook compiled instead of compiling it again.
  codeCached: ['runner'],
  // The hook's config cache key (src/adapters/hooks/hook-config.ts) from the stamp, no hashing at
  // commit time: the schema the config validated against, and the sources its defaults come from.
  data: ['configs/schemas/codex-gates.schema.json'],
  digests: { 'gate-sources': GATE_SOURCES },
})

export const RUNNER = bundle.output('runner')

/** `{ fresh, reason }`: whether the bundle exists and every source it was built from is unchanged. */
export const bundleState = bundle.state

/** Builds the bundle; the runner is written after the worker, the stamp last. */
export const buildBundle = bundle.build

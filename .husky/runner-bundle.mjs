// The prebuilt hook runner: scripts/hook.ts and its gate worker bundled by esbuild into
// .codex/hook/ (git-ignored), so a commit pays for one plain `node` start instead of tsx compiling
// TypeScript on every hook (measured by `npm run bench -- hook`). A stamp with the sha1 of every
// bundled source file tells whether the bundle is stale; npm packages stay external (node_modules).
// Plain JavaScript on purpose: it must run where tsx is not loaded.
import { createHash, randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is .husky/runner-bundle.mjs). */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))

/**
 * Two levels below the root, like src/<area>/, so modules that find the package root with
 * `new URL('../../', import.meta.url)` still find it from inside the bundle.
 */
export const BUNDLE_DIR = join(ROOT, '.codex', 'hook')
export const RUNNER = join(BUNDLE_DIR, 'runner.mjs')
const STAMP = join(BUNDLE_DIR, 'stamp.json')
const ENTRIES = { runner: 'scripts/hook.ts', 'gate-worker': 'src/hooks/gate-worker.ts' }
const STAMP_VERSION = 1

/** `{ fresh, reason }`: whether the bundle exists and every source it was built from is unchanged. */
export function bundleState() {
  let stamp
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'))
  } catch {
    return { fresh: false, reason: 'no bundle yet' }
  }
  if (stamp.version !== STAMP_VERSION || stamp.node !== process.versions.node)
    return { fresh: false, reason: 'built by another version' }
  for (const [path, hash] of Object.entries(stamp.inputs)) {
    let now
    try {
      now = sha1(readFileSync(join(ROOT, path)))
    } catch {
      return { fresh: false, reason: `${path} is gone` }
    }
    if (now !== hash) return { fresh: false, reason: `${path} changed` }
  }
  return { fresh: true, reason: 'fresh' }
}

/**
 * Builds the bundle with esbuild (installed as tsx's dependency). Each file is written to a temp
 * name and renamed into place, the stamp last, so a reader never sees a half-written file.
 */
export async function buildBundle() {
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Split so what most runs never need (the config validator and ajv, rarely used gates) loads lazily.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  })
  mkdirSync(BUNDLE_DIR, { recursive: true })
  const inputs = {}
  for (const path of Object.keys(result.metafile.inputs).sort()) {
    inputs[path] = sha1(readFileSync(join(ROOT, path)))
  }
  // The worker first: a runner only starts the worker once it runs itself.
  const outputs = [...result.outputFiles].sort((a, b) => Number(a.path === RUNNER) - Number(b.path === RUNNER))
  for (const file of outputs) writeAtomic(file.path, file.contents)
  writeAtomic(STAMP, `${JSON.stringify({ version: STAMP_VERSION, node: process.versions.node, inputs }, null, 2)}\n`)
  removeOldChunks(new Set(outputs.map((f) => f.path)))
  return { dir: relative(ROOT, BUNDLE_DIR), inputs: Object.keys(inputs).length }
}

/** Chunks of earlier builds, once no hook started before this build can still be loading them. */
function removeOldChunks(current) {
  const cutoff = Date.now() - 10 * 60_000
  for (const name of readdirSync(BUNDLE_DIR)) {
    const path = join(BUNDLE_DIR, name)
    if (!name.startsWith('chunk-') || current.has(path)) continue
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true })
    } catch {
      // removed meanwhile by a concurrent build
    }
  }
}

function sha1(bytes) {
  return createHash('sha1').update(bytes).digest('hex')
}

function writeAtomic(path, data) {
  const temp = `${path}.tmp-${randomUUID()}`
  try {
    writeFileSync(temp, data)
    renameSync(temp, path)
  } finally {
    rmSync(temp, { force: true })
  }
}

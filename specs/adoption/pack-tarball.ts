// globalSetup of the `adoption` project: builds the codex-gates tarball once per run, as `npm pack`
// does (dist/ by TypeScript 7, then pack), and stages better-sqlite3's native binary for the fixture
// installs the way offline teams serve prebuilt binaries (see prebuilt-sqlite.ts).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { stagePrebuiltSqlite } from '../../src/app/bench/prebuilt-sqlite.ts'

/** What the adoption specs get from the setup (`inject('adoption')`). */
export interface AdoptionSetup {
  /** The packed codex-gates-<version>.tgz; undefined when packing failed (then `skip` says why). */
  tarball?: string
  /** A folder holding better-sqlite3's prebuilt binary in prebuild-install's layout, if staged. */
  prebuilds?: string
  /** Why the adoption specs cannot run here. */
  skip?: string
  /** ms `npm pack` (with the dist build) took. */
  packMs: number
}

declare module 'vitest' {
  interface ProvidedContext {
    adoption: AdoptionSetup
  }
}

const ROOT = join(import.meta.dirname, '..', '..')

export default function setup(project: TestProject): () => void {
  const work = mkdtempSync(join(tmpdir(), 'codex-adoption-pack-'))
  project.provide('adoption', packOnce(work))
  return () => rmSync(work, { recursive: true, force: true })
}

function packOnce(work: string): AdoptionSetup {
  const started = performance.now()
  for (const tool of ['git', 'npm', 'tar']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' })
    } catch {
      return { skip: `${tool} is not installed: the adoption specs drive it as a user would`, packMs: 0 }
    }
  }
  // The build runs on its own (prepack's script), then `npm pack --ignore-scripts`: packing must not
  // run this checkout's `prepare` (husky) while the suite runs.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-dist.mjs')], { cwd: ROOT, stdio: 'pipe' })
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' })
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))
  if (!tgz) throw new Error(`npm pack left no tarball in ${work}`)
  const prebuilds = stagePrebuiltSqlite(ROOT, join(work, 'prebuilds'))
  return { tarball: join(work, tgz), prebuilds, packMs: Math.round(performance.now() - started) }
}

import type { GitOptions } from './git.ts'
import { type Materialized, materialize } from './materialize.ts'
import type { Snapshot } from './snapshot.ts'

/** How many `extend` links are followed (ruff itself allows any depth; real chains are 1-2 long). */
const MAX_ROUNDS = 8

/**
 * Exports the ruff configuration the staged `.py` files are linted with, from the snapshot (the
 * index), into `dir`: each folder's `.ruff.toml`, `ruff.toml` and `pyproject.toml` from the files
 * up to the root, then, round by round, the files their `extend`s name (a chain is known only once
 * the file naming the next link is there). `done` lists paths already exported. The python-lint
 * gate then reads all of it from `dir`, as it reads the work tree in `npm run gates`.
 */
export async function materializeRuffConfigs(
  snapshot: Snapshot,
  pythonFiles: readonly string[],
  dir: string,
  git: GitOptions,
  done: ReadonlySet<string> = new Set(),
): Promise<Materialized> {
  // Loaded only for commits with Python files: it brings the TOML parser into the hook.
  const { pythonLintInputs } = await import('../../domain/gates/python-lint/python-lint-gate.ts')
  const tried = new Set([...done, ...pythonFiles])
  const result: Materialized = { written: [], sparse: [] }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const wanted = pythonLintInputs(dir, pythonFiles).contents.filter((p) => !tried.has(p) && snapshot.entries.has(p))
    if (wanted.length === 0) break
    for (const p of wanted) tried.add(p)
    const got = await materialize(snapshot, wanted, dir, git)
    result.written.push(...got.written)
    result.sparse.push(...got.sparse)
  }
  return result
}

import { readFileSync } from 'node:fs'
import { findViolations, type Violation } from '../../domain/gates/layers/check-import-rules.ts'
import { layersGraph } from '../../domain/gates/layers/layers.ts'
import { resolveLayersConfig } from '../../domain/gates/layers/layers-config.ts'
import { listRepoFiles } from '../../domain/gates/repo-files.ts'

/**
 * One full layers run as the gate does it: list the repository's files (git), keep those under
 * `scope`, read, extract, resolve and check. What the bench times, in a fresh process (cold)
 * and in its own (warm).
 */
export function layersOnce(root: string, rules: unknown, scope: readonly string[]): Violation[] {
  const config = resolveLayersConfig(rules)
  const prefixes = scope.map((s) => `${s}/`)
  const files = listRepoFiles(root, 'worktree').filter((f) => prefixes.some((p) => f.startsWith(p)))
  return findViolations(layersGraph(root, files, config), config)
}

/**
 * The bench's child process: `<root> <rules.json> <scope,…> [timed]`. Without `timed`, one run
 * (cold); with it, two warm-up runs and `timed` measured ones (warm). Prints
 * `{ seconds: [...], violations }` as JSON.
 */
export function layersOnceMain(argv: readonly string[]): void {
  const [root, rulesPath, scope, timed] = argv
  if (!root || !rulesPath || !scope) throw new Error('BUG: layers-once needs <root> <rules.json> <scope,…> [timed]')
  const rules: unknown = JSON.parse(readFileSync(rulesPath, 'utf8'))
  const folders = scope.split(',')
  const runs = timed === undefined ? 1 : Number(timed)
  if (timed !== undefined) for (let i = 0; i < 2; i++) layersOnce(root, rules, folders)
  const seconds: number[] = []
  let violations: Violation[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    violations = layersOnce(root, rules, folders)
    seconds.push((performance.now() - t) / 1000)
  }
  process.stdout.write(JSON.stringify({ seconds, violations }))
}

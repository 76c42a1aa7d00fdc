// Biome run ahead by a hook standby (src/app/hook/lint-ahead.ts), in one process: it checks what
// the index stages when it starts; the commit takes that run only for the very files and blobs it
// checked; an index rewritten with the same entries keeps the run; a new `git add` replaces it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { PLAN_FILE, PLAN_VERSION } from '../../../src/adapters/hooks/launcher-lint.cjs'
import { biomeBinary } from '../../../src/adapters/hooks/lint-step.ts'
import { readHeadTree, stagedChanges } from '../../../src/adapters/hooks/staged-changes.ts'
import { LintAhead } from '../../../src/app/hook/lint-ahead.ts'
import { gitIn } from '../../support/git-in.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const SLOW = 60_000

/** A repository with biome.json committed, the launcher's plan as a commit leaves it, and `staged` staged. */
function repo(staged: Record<string, string>) {
  const dir = tempDir('lint-ahead-')
  const git = gitIn(dir)
  git('init', '-q', '-b', 'main')
  writeFileSync(join(dir, 'biome.json'), '{ "formatter": { "indentStyle": "space" } }\n')
  writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n')
  git('add', '.')
  git('commit', '-q', '-m', 'base')
  mkdirSync(join(dir, '.git', 'codex-gates'), { recursive: true })
  writeFileSync(
    join(dir, '.git', PLAN_FILE),
    JSON.stringify({
      version: PLAN_VERSION,
      configFiles: ['codex-gates.json'],
      configBlob: null,
      include: '\\.ts$',
      includeFlags: '',
      exclude: [],
      support: ['biome.json', 'biome.jsonc', '.gitignore'],
      biome: biomeBinary(REPO_ROOT, process.env),
      args: ['check', '--reporter=github', '--colors=off', '--no-errors-on-unmatched', '--files-ignore-unknown=true'],
      sparseOverBytes: 8 * 1024 * 1024,
    }),
  )
  for (const [path, text] of Object.entries(staged)) writeFileSync(join(dir, path), text)
  git('add', '.')
  const head = readHeadTree(dir, process.env)
  if (head === undefined) throw new Error('no HEAD tree')
  const index = join(dir, '.git', 'index')
  const staging = () => stagedChanges(index, head, dir, process.env)
  return { dir, git, index, staging, ahead: new LintAhead(dir, process.env, index, staging) }
}

describe('Biome run ahead', () => {
  test(
    'checks what is staged before the standby listens; the commit takes it for the same files and blobs',
    async () => {
      const { index, staging, ahead } = repo({ 'b.ts': 'export const b = 1;;\n' })
      await ahead.start()
      const launched = ahead.take(index, staging())
      expect(launched?.files).toEqual(['b.ts'])
      const end = await launched?.ended
      expect(end && 'code' in end ? end.code : undefined).not.toBe(0) // `;;`: Biome's verdict, ready
      expect(end && 'stdout' in end ? end.stdout.toString() : '').toContain('b.ts')
      launched?.dispose()
    },
    SLOW,
  )

  test(
    'an index rewritten with the same entries keeps the run; a new blob staged replaces it; other files drop it',
    async () => {
      const { dir, git, index, staging, ahead } = repo({ 'b.ts': 'export const b = 1;\n' })
      await ahead.start()
      const before = process.uptime() * 1000
      writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n') // same bytes, new stat data
      git('update-index', '--refresh') // the index written again, with the same entries
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const kept = ahead.take(index, staging())
      expect(kept?.files).toEqual(['b.ts'])
      expect(kept?.startedMs).toBeLessThan(before) // the run from the start, not a new one
      kept?.dispose()

      const next = repo({ 'b.ts': 'export const b = 1;\n' })
      await next.ahead.start()
      const staged = process.uptime() * 1000
      writeFileSync(join(next.dir, 'b.ts'), 'export const b = 2;\n')
      next.git('add', 'b.ts')
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const replaced = next.ahead.take(next.index, next.staging())
      expect(replaced?.files).toEqual(['b.ts'])
      expect(replaced?.startedMs).toBeGreaterThan(staged) // run again on the new blob
      replaced?.dispose()

      const other = repo({ 'b.ts': 'export const b = 1;\n' })
      await other.ahead.start()
      expect(other.ahead.take(other.index, ['b.ts', 'c.ts'])).toBeUndefined() // other files

      const third = repo({ 'b.ts': 'export const b = 1;\n' })
      await third.ahead.start()
      writeFileSync(join(third.dir, 'b.ts'), 'export const b = 2;\n')
      third.git('add', 'b.ts')
      // Taken at once (before any run on the new blob): the old run is not the commit's.
      expect(third.ahead.take(third.index, third.staging())).toBeUndefined()
    },
    SLOW,
  )

  test(
    'nothing staged: no run, nothing to take',
    async () => {
      const { index, staging, ahead } = repo({})
      await ahead.start()
      expect(staging()).toEqual([])
      expect(ahead.take(index, staging())).toBeUndefined()
    },
    SLOW,
  )
})

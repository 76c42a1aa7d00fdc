// Biome starts before the pre-commit hook's own module has loaded (early-lint.ts) when the config
// cached for the staged codex-gates.json says what to lint; the run adopts it only when its own
// plan is the same, and no folder of it is left behind either way.
import { mkdirSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../support/temp-dir.ts'
import { type HookRepo, hookRepo } from './hook-repo.ts'

const SLOW = 120_000
const STARTED_EARLY = 'lint started early'

/** A repo with one commit made through the hook (which caches the validated config), and its own TMPDIR. */
function seeded(): { repo: HookRepo; tmp: string; commit: (message: string) => ReturnType<HookRepo['git']> } {
  const repo = hookRepo()
  const tmp = tempDir('early-lint-tmp-')
  mkdirSync(tmp, { recursive: true })
  repo.write('notes.txt', 'one\n')
  repo.write('biome.json', '{ "formatter": { "indentStyle": "space" } }\n')
  repo.git(['add', '.'])
  const commit = (message: string) => repo.git(['commit', '-m', message], { CODEX_HOOK_TRACE: '1', TMPDIR: tmp })
  const first = commit('first')
  if (first.code !== 0) throw new Error(`seed commit failed: ${first.output}`)
  return { repo, tmp, commit }
}

const leftovers = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('codex-'))

describe('pre-commit hook: Biome started early', () => {
  test(
    'with the config cached it starts before the hook module loads, lints the staged bytes, and its verdict is the step’s',
    () => {
      const { repo, tmp, commit } = seeded()
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', 'src/bad.ts'])
      repo.write('src/bad.ts', 'export const a = 1;\n') // fixed in the work tree only
      const run = commit('lint')
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain(STARTED_EARLY)
      expect(run.stderr.indexOf(STARTED_EARLY)).toBeLessThan(run.stderr.indexOf('config resolved'))
      expect(run.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)
      expect(run.stderr).toMatch(/lint \d+ms ✗/)
      expect(leftovers(tmp)).toEqual([])

      repo.git(['add', 'src/bad.ts'])
      const clean = commit('clean')
      expect(clean.code, clean.output).toBe(0)
      expect(clean.stderr).toContain(STARTED_EARLY)
      expect(clean.stderr).toMatch(/lint \d+ms ✓/)
      expect(leftovers(tmp)).toEqual([])
    },
    SLOW,
  )

  test(
    'a staged Markdown file (the whole tree exported for docs-links): the early run is dropped, lint still runs and fails',
    () => {
      const { repo, tmp, commit } = seeded()
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.write('README.md', '# readme\n')
      repo.git(['add', '.'])
      const { code, stderr } = commit('lint and docs')
      expect([code === 0, stderr.includes(STARTED_EARLY), leftovers(tmp)]).toEqual([false, true, []])
      expect(stderr).toMatch(/lint src\/bad\.ts:1 \S+[\s\S]*docs-links \d+ms ✓/)
    },
    SLOW,
  )

  test(
    'a staged codex-gates.json not seen before: nothing starts early, the staged config decides (lint off)',
    () => {
      const { repo, tmp, commit } = seeded()
      repo.write('codex-gates.json', `${JSON.stringify({ gates: { lint: { enabled: false } } })}\n`)
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', '.'])
      const run = commit('lint off')
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).not.toContain(STARTED_EARLY)
      expect(run.stderr).toMatch(/lint – /)
      expect(leftovers(tmp)).toEqual([])
    },
    SLOW,
  )
})

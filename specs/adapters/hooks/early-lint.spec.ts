// Biome starts before the pre-commit hook's own module has loaded (early-lint.ts) when the config
// cached for the staged codex-gates.json says what to lint, and before the runner is even compiled
// when the last commit left a plan for the launcher (launcher-lint.cjs); the run adopts either only
// when its own plan is the same, and no folder of them is left behind either way.
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../support/temp-dir.ts'
import { type HookRepo, hookRepo } from './hook-repo.ts'

const SLOW = 120_000
const STARTED_EARLY = 'lint started early'
const FROM_LAUNCHER = 'lint taken from the launcher'

/** A repo with two commits made through the hook (the config cached, then the launcher's plan), and its own TMPDIR. */
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
  // The second commit finds the config cached: it leaves the plan for the next one's launcher.
  repo.write('src/ok.ts', 'export const ok = 1;\n')
  repo.git(['add', '.'])
  const second = commit('second')
  if (second.code !== 0 || !second.stderr.includes(STARTED_EARLY)) throw new Error(`seed commit: ${second.output}`)
  return { repo, tmp, commit }
}

const leftovers = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('codex-'))

describe('pre-commit hook: Biome started early', () => {
  test(
    'from the plan the last commit left, the launcher starts it on the staged bytes, and its verdict is the step’s',
    () => {
      const { repo, tmp, commit } = seeded()
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', 'src/bad.ts'])
      repo.write('src/bad.ts', 'export const a = 1;\n') // fixed in the work tree only
      const run = commit('lint')
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain(FROM_LAUNCHER)
      expect(run.stderr.indexOf(FROM_LAUNCHER)).toBeLessThan(run.stderr.indexOf('config resolved'))
      expect(run.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)
      expect(run.stderr).toMatch(/lint \d+ms ✗/)
      expect(leftovers(tmp)).toEqual([])

      repo.git(['add', 'src/bad.ts'])
      const clean = commit('clean')
      expect(clean.code, clean.output).toBe(0)
      expect(clean.stderr).toContain(FROM_LAUNCHER)
      expect(clean.stderr).toMatch(/lint \d+ms ✓/)
      expect(leftovers(tmp)).toEqual([])
    },
    SLOW,
  )

  test(
    "a commit's hook loads neither node:crypto nor perf_hooks (~4 ms of its critical path): ids come from /dev/urandom",
    () => {
      const { repo, commit } = seeded()
      const probe = join(tempDir('module-probe-'), 'probe.cjs')
      const out = `${probe}.out`
      writeFileSync(
        probe,
        `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)} + '.' + process.pid, [process.argv.slice(2).join(' '), ...process.moduleLoadList].join('\\n')))\n`,
      )
      repo.write('src/ok.ts', 'export const ok = 2;\n')
      repo.git(['add', '.'])
      const run = repo.git(['commit', '-m', 'probed'], { NODE_OPTIONS: `--require ${probe}`, CODEX_HOOK_TRACE: '1' })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toContain(FROM_LAUNCHER)
      const lists = readdirSync(dirname(probe))
        .filter((f) => f.startsWith('probe.cjs.out.'))
        .map((f) => readFileSync(join(dirname(probe), f), 'utf8').split('\n'))
      const preCommit = lists.find((l) => l[0] === 'pre-commit')
      expect(preCommit).toBeDefined()
      expect(preCommit?.filter((m) => /^NativeModule (?:crypto|perf_hooks)$/.test(m))).toEqual([])
      expect(repo.rows<{ n: number }>('SELECT count(*) AS n FROM sessions')[0]?.n).toBeGreaterThan(0)
      void commit
    },
    SLOW,
  )

  test(
    'SKIP naming another step leaves the launcher its Biome; SKIP=lint starts none',
    () => {
      const { repo, tmp, commit } = seeded()
      repo.write('src/s.ts', 'export const s = 1;;\n')
      repo.git(['add', '.'])
      const others = repo.git(['commit', '-m', 'skip others'], {
        SKIP: 'secrets, placeholders',
        CODEX_HOOK_TRACE: '1',
        TMPDIR: tmp,
      })
      expect(others.code).not.toBe(0)
      expect(others.stderr).toContain(FROM_LAUNCHER)
      expect(others.stderr).toMatch(/lint src\/s\.ts:1 \S+/)
      const lint = repo.git(['commit', '-m', 'skip lint'], { SKIP: 'lint', CODEX_HOOK_TRACE: '1', TMPDIR: tmp })
      expect(lint.code, lint.output).toBe(0)
      expect(lint.stderr).not.toContain(FROM_LAUNCHER)
      expect(leftovers(tmp)).toEqual([])
      void commit
    },
    SLOW,
  )

  test(
    'a Biome that is not installed: the step errors with the command that installs it, from the launcher as from the runner',
    () => {
      const { repo, tmp, commit } = seeded()
      const missing = { BIOME_BINARY: join(tmp, 'no-biome-here') }
      // The runner resolves Biome from the environment and leaves that path in the plan; the next
      // commit's launcher starts it from there.
      for (const [i, marker] of [STARTED_EARLY, FROM_LAUNCHER].entries()) {
        repo.write(`src/m${i}.ts`, `export const m${i} = ${i};\n`)
        repo.git(['add', '.'])
        const run = repo.git(['commit', '-m', `missing ${i}`], { ...missing, CODEX_HOOK_TRACE: '1', TMPDIR: tmp })
        expect(run.code).not.toBe(0)
        expect(run.stderr).toContain(marker)
        expect(run.stderr).toContain(
          `Biome is not installed (no ${missing.BIOME_BINARY}); install it: npm i -D @biomejs/biome`,
        )
        expect(leftovers(tmp)).toEqual([])
      }
      void commit
    },
    SLOW,
  )

  test(
    'without a plan for the launcher (none written yet) the runner starts it early, on the staged bytes',
    () => {
      const { repo, tmp, commit } = seeded()
      rmSync(join(repo.dir, '.git', 'codex-gates', 'early-lint.json'))
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', 'src/bad.ts'])
      repo.write('src/bad.ts', 'export const a = 1;\n')
      const run = commit('lint')
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain(STARTED_EARLY)
      expect(run.stderr).not.toContain(FROM_LAUNCHER)
      expect(run.stderr.indexOf(STARTED_EARLY)).toBeLessThan(run.stderr.indexOf('config resolved'))
      expect(run.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)
      expect(leftovers(tmp)).toEqual([])
    },
    SLOW,
  )

  test(
    'a staged symlink the launcher took for a file: its Biome is dropped, the run starts its own, nothing is left',
    () => {
      const { repo, tmp, commit } = seeded()
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      symlinkSync('bad.ts', join(repo.dir, 'src', 'link.ts'))
      repo.git(['add', '.'])
      const run = commit('lint and a link')
      expect(run.code).not.toBe(0)
      expect(run.stderr).not.toContain(FROM_LAUNCHER)
      expect(run.stderr).toContain(STARTED_EARLY)
      expect(run.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)
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
      expect([code === 0, stderr.includes(FROM_LAUNCHER), leftovers(tmp)]).toEqual([false, true, []])
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
      expect(run.stderr).not.toContain(FROM_LAUNCHER)
      expect(run.stderr).toMatch(/lint – /)
      expect(leftovers(tmp)).toEqual([])
    },
    SLOW,
  )
})

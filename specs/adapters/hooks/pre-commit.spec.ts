import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { FAKE_AWS_KEY, type HookRepo, hookRepo, repoState } from './hook-repo.ts'

const SLOW = 120_000

/** A repo with one clean commit of `notes.txt` and a biome.json, hooks installed. */
function seeded(): HookRepo {
  const repo = hookRepo()
  repo.write('notes.txt', 'line one\nline two\nline three\n')
  repo.write('biome.json', '{ "formatter": { "indentStyle": "space" } }\n')
  repo.git(['add', '.'])
  const first = repo.git(['commit', '-m', 'first'])
  if (first.code !== 0) throw new Error(`seed commit failed: ${first.output}`)
  return repo
}

const secretLine = () => `aws_key = "${FAKE_AWS_KEY}"\n`

function sessions(repo: HookRepo, kind = 'pre-commit') {
  return repo.rows<{ id: string; status: string; git_tree: string | null; argv: string }>(
    'SELECT id, status, git_tree, argv FROM sessions WHERE kind = ? ORDER BY started_at, rowid',
    kind,
  )
}

describe('pre-commit hook', () => {
  test(
    'a planted secret blocks the commit with file:line, rule and fix; the ledger keeps it redacted',
    () => {
      const repo = seeded()
      repo.write('config.py', `region = "eu-west-1"\n${secretLine()}`)
      repo.git(['add', 'config.py'])
      const before = repoState(repo, ['config.py', 'notes.txt'])
      const run = repo.git(['commit', '-m', 'leak'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('config.py:2')
      expect(run.stderr).toContain('aws-access-key-id')
      expect(run.stderr).toMatch(/fix: .*rotate/)
      expect(run.stderr).toContain('commit refused')
      expect(run.stderr).toMatch(/secrets \d+ms ✗/)
      expect(run.output).not.toContain(FAKE_AWS_KEY)
      expect(repoState(repo, ['config.py', 'notes.txt'])).toEqual(before)
      expect(repo.git(['log', '--format=%s']).stdout.trim()).toBe('first')

      const failed = sessions(repo).at(-1)
      expect(failed?.status).toBe('failed')
      const findings = repo.rows<{ gate: string; rule: string; file: string; line: number; message: string }>(
        'SELECT gate, rule, file, line, message FROM findings WHERE session_id = ?',
        failed?.id,
      )
      expect(findings).toEqual([
        expect.objectContaining({ gate: 'secrets', rule: 'aws-access-key-id', file: 'config.py', line: 2 }),
      ])
      const everything = JSON.stringify(repo.rows('SELECT * FROM events')) + JSON.stringify(findings)
      expect(everything).not.toContain(FAKE_AWS_KEY)
      expect(everything).toContain(FAKE_AWS_KEY.slice(0, 4))
    },
    SLOW,
  )

  test(
    'a clean commit passes with one events row per step and its duration, and is linked to the commit',
    () => {
      const repo = seeded()
      repo.write('src/app.ts', 'export const answer = 42;\n')
      repo.write('README.md', '# app\n\nSee [notes](notes.txt).\n')
      repo.git(['add', '.'])
      const run = repo.git(['commit', '-m', 'app'])
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toMatch(
        /codex-gates pre-commit ✓ 2 files · snapshot \d+ms · lint \d+ms ✓ · python-lint – · secrets \d+ms ✓ · env-files \d+ms ✓ · large-files \d+ms ✓ · placeholders \d+ms ✓ · docs-links \d+ms ✓ · total /,
      )
      const head = repo.git(['rev-parse', 'HEAD', 'HEAD^{tree}']).stdout.trim().split('\n')
      const passed = sessions(repo).at(-1)
      expect(passed).toMatchObject({ status: 'passed', git_tree: head[1] })
      const steps = repo.rows<{ data_json: string }>(
        "SELECT data_json FROM events WHERE session_id = ? AND role = 'tool' ORDER BY id",
        passed?.id,
      )
      const data = steps.map((s) => JSON.parse(s.data_json) as { step: string; status: string; duration_ms: number })
      expect(data.map((d) => d.step)).toEqual([
        'lint',
        'python-lint',
        'secrets',
        'env-files',
        'large-files',
        'placeholders',
        'docs-links',
      ])
      for (const d of data) {
        expect(d.status).toBe(d.step === 'python-lint' ? 'skipped' : 'passed')
        expect(d.duration_ms).toBeGreaterThanOrEqual(0)
      }
      const runs = repo.rows<{ gate: string; status: string }>(
        'SELECT gate, status FROM gate_runs WHERE session_id = ?',
        passed?.id,
      )
      expect(runs).toHaveLength(7)
      expect(repo.rows('SELECT sha, tree, session_id, bypass FROM commits WHERE sha = ?', head[0])).toEqual([
        { sha: head[0], tree: head[1], session_id: passed?.id, bypass: 0 },
      ])
    },
    SLOW,
  )

  test(
    "a partially staged file's unstaged hunk survives a refused commit byte for byte",
    () => {
      const repo = seeded()
      // Staged: a secret in the middle. Unstaged on top: CRLF, trailing blanks, UTF-8, no final newline.
      repo.write('notes.txt', `line one\n${secretLine()}line two\nline three\n`)
      repo.git(['add', 'notes.txt'])
      const worktree = Buffer.concat([
        Buffer.from(`line one\n${secretLine()}line two\r\nline three  \n`),
        Buffer.from('unstaged: naïve café ✓ \t', 'utf8'),
      ])
      repo.write('notes.txt', worktree)
      const before = repoState(repo, ['notes.txt'])
      const run = repo.git(['commit', '-m', 'partial'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('notes.txt:2')
      expect(repo.read('notes.txt').equals(worktree)).toBe(true)
      expect(repoState(repo, ['notes.txt'])).toEqual(before)
    },
    SLOW,
  )

  test(
    'only the staged bytes are gated: a secret in an unstaged hunk does not block, and stays unstaged',
    () => {
      const repo = seeded()
      repo.write('notes.txt', 'line one\nline two, staged\nline three\n')
      repo.git(['add', 'notes.txt'])
      const worktree = `line one\nline two, staged\nline three\n${secretLine()}`
      repo.write('notes.txt', worktree)
      const run = repo.git(['commit', '-m', 'staged only'])
      expect(run.code, run.output).toBe(0)
      expect(repo.git(['show', 'HEAD:notes.txt']).stdout).toBe('line one\nline two, staged\nline three\n')
      expect(repo.read('notes.txt').toString()).toBe(worktree)
      expect(repo.git(['diff']).stdout).toContain(`+${secretLine().trim()}`)
    },
    SLOW,
  )

  test(
    'Ctrl-C during the hook leaves index, work tree and unstaged hunks as they were; the session says interrupted',
    async () => {
      const repo = seeded()
      repo.write('notes.txt', `line one\n${secretLine()}line two\nline three\n`)
      repo.git(['add', 'notes.txt'])
      repo.write('notes.txt', `line one\n${secretLine()}line two\nline three\nunstaged tail\n`)
      // A large staged file keeps the hook busy long enough to be interrupted mid-step.
      repo.write('data/big.txt', 'plain text without secrets\n'.repeat(400_000))
      repo.git(['add', 'data/big.txt'])
      const files = ['notes.txt', 'data/big.txt']
      const before = repoState(repo, files)
      const head = repo.git(['rev-parse', 'HEAD']).stdout

      const started = sessions(repo).length
      const child = spawn('git', ['commit', '-m', 'interrupted'], {
        cwd: repo.dir,
        env: repo.env,
        stdio: 'ignore',
        detached: true, // its own process group: SIGINT to the group is what Ctrl-C does in a terminal
      })
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
      const deadline = Date.now() + 60_000
      while (sessions(repo).length === started && Date.now() < deadline) await sleep(20)
      expect(sessions(repo).length, 'the hook never opened its session').toBe(started + 1)
      process.kill(-(child.pid as number), 'SIGINT')
      expect(await closed).not.toBe(0)

      let status = 'running'
      while (status === 'running' && Date.now() < deadline) {
        await sleep(50)
        status = sessions(repo).at(-1)?.status ?? 'running'
      }
      expect(status).toBe('interrupted')
      expect(repo.git(['rev-parse', 'HEAD']).stdout).toBe(head)
      expect(repoState(repo, files)).toEqual(before)
    },
    SLOW,
  )

  test(
    'Ctrl-C at any moment of the hook never changes the index or the work tree',
    async () => {
      const repo = seeded()
      repo.write('notes.txt', 'line one\nstaged change\nline two\nline three\n')
      repo.git(['add', 'notes.txt'])
      repo.write('notes.txt', 'line one\nstaged change\nline two\nline three\nunstaged tail\n')
      const before = repoState(repo, ['notes.txt'])
      const head = repo.git(['rev-parse', 'HEAD']).stdout
      for (const delay of [0, 60, 150, 300, 500, 800]) {
        const child = spawn('git', ['commit', '-m', `attempt ${delay}`], {
          cwd: repo.dir,
          env: repo.env,
          stdio: 'ignore',
          detached: true,
        })
        const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
        await sleep(delay)
        try {
          process.kill(-(child.pid as number), 'SIGINT')
        } catch {
          // the commit finished first
        }
        const code = await closed
        const moved = repo.git(['rev-parse', 'HEAD']).stdout !== head
        if (moved) {
          // Too late to interrupt the pre-commit: the commit completed, whole (git itself may have been
          // stopped afterwards, in post-commit). Put it back for the next attempt.
          expect([0, null]).toContain(code)
          expect(repo.git(['show', 'HEAD:notes.txt']).stdout).toBe('line one\nstaged change\nline two\nline three\n')
          repo.git(['reset', '--soft', 'HEAD~1'])
        }
        expect(repoState(repo, ['notes.txt']), `after SIGINT at ${delay} ms`).toEqual(before)
      }
    },
    SLOW * 2,
  )

  test(
    'SKIP=secrets skips that step, lets the commit through and records who skipped it',
    () => {
      const repo = seeded()
      repo.write('config.py', secretLine())
      repo.git(['add', 'config.py'])
      const run = repo.git(['commit', '-m', 'skipped'], { SKIP: 'secrets,lnit' })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toContain('SKIP names no step "lnit" (did you mean lint?)')
      expect(run.stderr).toContain('secrets –')
      const session = sessions(repo).at(-1)
      expect(session?.status).toBe('passed')
      const [event] = repo.rows<{ level: string; message: string; data_json: string }>(
        "SELECT level, message, data_json FROM events WHERE session_id = ? AND message LIKE 'step secrets%'",
        session?.id,
      )
      expect(event?.level).toBe('warn')
      expect(event?.message).toMatch(
        /step secrets skipped \(SKIP=secrets\) by Spec Committer <committer@example\.test> at \d{4}-/,
      )
      const data = JSON.parse(event?.data_json ?? '{}') as { skipped_by: { who: string; at: string } }
      expect(data.skipped_by.who).toBe('Spec Committer <committer@example.test>')
      expect(Date.parse(data.skipped_by.at)).toBeGreaterThan(Date.now() - 120_000)
      expect(
        repo.rows('SELECT status, reason FROM gate_runs WHERE session_id = ? AND gate = ?', session?.id, 'secrets'),
      ).toEqual([{ status: 'skipped', reason: 'SKIP=secrets' }])
    },
    SLOW,
  )

  test(
    'a lint failure names file:line and the rule; Biome runs on the staged bytes, not the work tree',
    () => {
      const repo = seeded()
      repo.write('src/bad.ts', 'export const a = 1;;\n')
      repo.git(['add', 'src/bad.ts'])
      repo.write('src/bad.ts', 'export const a = 1\n') // fixed in the work tree only
      const run = repo.git(['commit', '-m', 'lint'])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toMatch(/lint src\/bad\.ts:1 \S+/)
      expect(run.stderr).toMatch(/lint \d+ms ✗/)
    },
    SLOW,
  )

  test(
    'CODEX_HOOK_FIX=1: lint-staged fixes the staged part of a partially staged file; the unstaged hunk survives',
    () => {
      const repo = seeded()
      const lines = (first: string) => [first, ...Array.from({ length: 8 }, (_, i) => `export const n${i} = ${i};`)]
      repo.write('src/app.ts', `${lines('export const a = "one";').join('\n')}\n`)
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'app']).code).toBe(0)
      repo.write('src/app.ts', `${lines("export const a = 'two'").join('\n')}\n`) // unformatted, staged
      repo.git(['add', 'src/app.ts'])
      const tail = 'export const unstaged = true;\n'
      repo.write('src/app.ts', `${lines("export const a = 'two'").join('\n')}\n${tail}`)
      const run = repo.git(['commit', '-m', 'fixed'], { CODEX_HOOK_FIX: '1' })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toMatch(/· fix \d+(ms|\.\d+s) ✓ · lint \d+ms ✓/)
      expect(repo.git(['show', 'HEAD:src/app.ts']).stdout).toBe(`${lines('export const a = "two";').join('\n')}\n`)
      expect(repo.read('src/app.ts').toString()).toBe(`${lines('export const a = "two";').join('\n')}\n${tail}`)
      expect(repo.git(['diff']).stdout).toContain(`+${tail.trim()}`)
      expect(repo.git(['stash', 'list']).stdout).toBe('')
    },
    SLOW,
  )

  test(
    'CODEX_HOOK_FIX=1 and Ctrl-C while lint-staged runs: no commit, the unstaged hunk survives, the session says interrupted',
    async () => {
      const repo = seeded()
      const body = (first: string) =>
        `${[first, ...Array.from({ length: 8 }, (_, i) => `export const n${i} = ${i};`)].join('\n')}\n`
      repo.write('src/app.ts', body('export const a = "one";'))
      repo.git(['add', '.'])
      expect(repo.git(['commit', '-m', 'app']).code).toBe(0)
      const head = repo.git(['rev-parse', 'HEAD']).stdout
      repo.write('src/app.ts', body("export const a = 'two'"))
      repo.git(['add', 'src/app.ts'])
      const tail = 'export const unstaged = true;\n'
      repo.write('src/app.ts', `${body("export const a = 'two'")}${tail}`)
      const started = sessions(repo).length
      const child = spawn('git', ['commit', '-m', 'fix interrupted'], {
        cwd: repo.dir,
        env: { ...repo.env, CODEX_HOOK_FIX: '1' },
        stdio: 'ignore',
        detached: true,
      })
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
      const deadline = Date.now() + 60_000
      // lint-staged keeps the hidden unstaged hunks in this patch while its fixers run.
      const hidden = join(repo.dir, '.git', 'lint-staged_unstaged.patch')
      while (!existsSync(hidden) && Date.now() < deadline) await sleep(5)
      expect(existsSync(hidden), 'lint-staged never hid the unstaged hunk').toBe(true)
      process.kill(-(child.pid as number), 'SIGINT')
      expect(await closed).not.toBe(0)
      // The hook holds on until lint-staged has exited, and only then closes its session.
      while ((sessions(repo)[started]?.status ?? 'running') === 'running' && Date.now() < deadline) await sleep(50)
      expect(sessions(repo)[started]?.status).toBe('interrupted')
      expect(repo.git(['rev-parse', 'HEAD']).stdout).toBe(head)
      // lint-staged finishes what it started (its fixes may stay staged); the hidden hunk is back, byte for byte.
      const worktree = repo.read('src/app.ts').toString()
      expect(worktree.endsWith(tail)).toBe(true)
      expect(repo.git(['diff']).stdout).toMatch(/\n\+export const unstaged = true;\n$/)
      expect(repo.git(['diff', '--cached', '--name-only']).stdout.trim()).toBe('src/app.ts')
    },
    SLOW,
  )

  test(
    'without the bundle (CODEX_HOOK_RUNNER=tsx) the hook gives the same verdict',
    () => {
      const repo = seeded()
      repo.write('config.py', secretLine())
      repo.git(['add', 'config.py'])
      const run = repo.git(['commit', '-m', 'leak'], { CODEX_HOOK_RUNNER: 'tsx' })
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('config.py:1')
      expect(run.stderr).toMatch(/secrets \d+ms ✗/)
      expect(sessions(repo).at(-1)?.status).toBe('failed')
    },
    SLOW,
  )

  test(
    'HUSKY=0 turns the hooks off: nothing runs, nothing is recorded',
    () => {
      const repo = seeded()
      const count = sessions(repo).length
      repo.write('config.py', secretLine())
      repo.git(['add', 'config.py'])
      const run = repo.git(['commit', '-m', 'husky off'], { HUSKY: '0' })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).not.toContain('codex-gates')
      expect(sessions(repo)).toHaveLength(count)
      expect(sessions(repo, 'post-commit')).toHaveLength(1) // the seed commit's only
    },
    SLOW,
  )

  test(
    'a broken ledger never blocks a commit: one warning, records go to the NDJSON fallback',
    () => {
      const repo = seeded()
      const broken = join(repo.dir, '..', 'not-a-db.db')
      repo.write('../not-a-db.db', 'this is not sqlite, just text that is long enough to not be a header')
      repo.write('extra.txt', 'more\n')
      repo.git(['add', 'extra.txt'])
      const run = repo.git(['commit', '-m', 'broken ledger'], { CODEX_LEDGER: broken })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr.match(/ledger unavailable/g)).toHaveLength(2) // once per hook: pre-commit, post-commit
      const fallback = join(repo.dir, '..', 'ledger-fallback.ndjson')
      expect(existsSync(fallback)).toBe(true)
      const records = readFileSync(fallback, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { table: string; row: { kind?: string; status?: string; bypass?: number } })
      expect(
        records.some((r) => r.table === 'sessions' && r.row.kind === 'pre-commit' && r.row.status === 'passed'),
      ).toBe(true)
      // post-commit found the passing session in the fallback, so the commit is linked, not a bypass.
      expect(records.find((r) => r.table === 'commits')?.row.bypass).toBe(0)
    },
    SLOW,
  )
})

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

// The steps every adoption spec takes in its fixture repository, as a user would type them.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import Database from 'better-sqlite3'
import { expect } from 'vitest'
import { FAKE_SECRETS, type FakeSecret } from '../../src/domain/gates/secrets/fake-secrets.ts'
import { Prng } from '../../src/foundation/random/prng.ts'
import { tail, type UserRepo } from './user-repo.ts'

/** Every file init may write or a commit may carry, path → sha256 (node_modules, .git, .codex and reports left out). */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const skip = new Set(['.git', 'node_modules', '.codex', 'reports'])
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skip.has(name) && dir === root) continue
      const path = join(dir, name)
      if (name === '_' && dir.endsWith('.husky')) continue // husky's own runtime, ignored by git
      const stat = statSync(path)
      if (stat.isDirectory()) walk(path)
      else
        out[relative(root, path)] =
          `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${stat.mode.toString(8)}`
    }
  }
  walk(root)
  return out
}

/** `codex-gates run` and `vitest run --project gates` both pass, with the repository's own ledger and reports. */
export function expectGreenDayOne(repo: UserRepo): { runMs: number } {
  const run = repo.npx('codex-gates', 'run')
  expect(run.code, tail(run.out)).toBe(0)
  const vitest = repo.npx('vitest', 'run', '--project', 'gates')
  expect(vitest.code, tail(vitest.out)).toBe(0)
  const head = repo.git('rev-parse', 'HEAD').out.trim()
  const sessions = ledger(repo, (db) =>
    db.prepare("SELECT git_sha, status FROM sessions WHERE kind = 'vitest' ORDER BY started_at").all(),
  ) as { git_sha: string; status: string }[]
  expect(sessions).toEqual([
    { git_sha: head, status: 'passed' },
    { git_sha: head, status: 'passed' },
  ])
  expect(existsSync(join(repo.dir, 'reports', 'latest', 'index.html'))).toBe(true)
  return { runMs: run.ms }
}

/** The adoption commit passes the hooks; a second init changes no byte and says so. */
export function expectCommitThenIdempotentInit(repo: UserRepo): void {
  // husky's runtime as every `npm install` writes it again ("prepare"): init's rewrite is gone.
  const huskyRuntime = join(repo.dir, '.husky', '_', 'h')
  const slow = /\$\((?:dirname|basename)/
  expect(readFileSync(huskyRuntime, 'utf8')).not.toMatch(slow)
  const reinstalled = repo.npx('husky')
  expect(reinstalled.code, reinstalled.out).toBe(0)
  expect(readFileSync(huskyRuntime, 'utf8')).toMatch(slow)
  repo.git('add', '-A')
  const commit = repo.git('commit', '-m', 'Adopt codex-gates')
  expect(commit.code, commit.out).toBe(0)
  expect(commit.out).toMatch(/codex-gates pre-commit ✓/)
  expect(readFileSync(huskyRuntime, 'utf8')).not.toMatch(slow) // the post-commit hook put it back
  const before = snapshotTree(repo.dir)
  const again = repo.npx('codex-gates', 'init')
  expect(again.code, again.out).toBe(0)
  expect(again.out).toContain('nothing to change: codex-gates is set up here')
  expect(again.out).not.toMatch(/^ {2}(created|updated) /m)
  expect(snapshotTree(repo.dir)).toEqual(before)
  expect(repo.git('status', '--porcelain').out).toBe('')
  const post = ledger(repo, (db) =>
    db
      .prepare('SELECT COUNT(*) AS n FROM commits WHERE sha = ? AND bypass = 0')
      .get(repo.git('rev-parse', 'HEAD').out.trim()),
  ) as { n: number }
  expect(post.n).toBe(1)

  // A hook as an earlier init wrote it (through the bin link): init upgrades it in place, once.
  const hook = join(repo.dir, '.husky', 'pre-commit')
  const current = readFileSync(hook, 'utf8')
  const earlier = current.replace(/^.* hook pre-commit$/m, './node_modules/.bin/codex-gates hook pre-commit')
  expect(earlier).not.toBe(current)
  writeFileSync(hook, earlier)
  const upgraded = repo.npx('codex-gates', 'init')
  expect(upgraded.code, upgraded.out).toBe(0)
  expect(upgraded.out).toMatch(/^ {2}updated \.husky\/pre-commit\b/m)
  expect(readFileSync(hook, 'utf8')).toBe(current)
  expect(repo.npx('codex-gates', 'init').out).toContain('nothing to change: codex-gates is set up here')
}

/**
 * A fake key in a new, staged file: `codex-gates run` fails naming file:line, `git commit` is
 * refused with the same line and HEAD stays; `--no-verify` commits, and `ledger ungated` lists it.
 */
export function expectPlantedKeyBlocked(repo: UserRepo, path: string, plant: (s: FakeSecret) => string): void {
  const secret = (FAKE_SECRETS['openai-key'] as (rng: Prng) => FakeSecret)(Prng.fromSeed(11))
  writeFileSync(join(repo.dir, path), plant(secret))
  repo.git('add', path)
  const where = `${path}:2`
  const run = repo.npx('codex-gates', 'run')
  expect(run.code, tail(run.out)).toBe(1)
  expect(run.out).toContain(`secrets ${where} openai-key`)
  expect(run.out).not.toContain(secret.secret)
  const head = repo.git('rev-parse', 'HEAD').out.trim()
  const refused = repo.git('commit', '-m', 'Serve the model')
  expect(refused.code).not.toBe(0)
  expect(refused.out).toContain(`secrets ${where} openai-key`)
  expect(refused.out).toContain('commit refused')
  expect(repo.git('rev-parse', 'HEAD').out.trim()).toBe(head)

  const bypass = repo.git('commit', '--no-verify', '-m', 'Serve the model (no verify)')
  expect(bypass.code, bypass.out).toBe(0)
  expect(bypass.out).toContain('recorded as ungated')
  const sha = repo.git('rev-parse', 'HEAD').out.trim()
  const ungated = repo.npx('codex-gates', 'ledger', 'ungated')
  expect(ungated.code, ungated.out).toBe(0)
  expect(ungated.out).toContain(sha.slice(0, 12))
  expect(ungated.out).toContain('--no-verify')
}

/** Reads the fixture repository's own ledger (`.codex/session_logs.db`), read-only. */
export function ledger<T>(repo: UserRepo, query: (db: Database.Database) => T): T {
  const db = new Database(join(repo.dir, '.codex', 'session_logs.db'), { readonly: true, fileMustExist: true })
  try {
    return query(db)
  } finally {
    db.close()
  }
}

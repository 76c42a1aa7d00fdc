// Adopting codex-gates in a small TypeScript library with its own Vitest suite, as a user would.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { expectCommitThenIdempotentInit, expectGreenDayOne, expectPlantedKeyBlocked, ledger } from './adoption-steps.ts'
import { tail, UserRepo } from './user-repo.ts'

const setup = inject('adoption')
let repo: UserRepo
let skip: string | undefined = setup.skip

describe('adopting codex-gates in a TypeScript library with its own Vitest suite', () => {
  beforeAll(() => {
    if (skip) return
    repo = new UserRepo('ts-lib')
    const installed = repo.install(setup)
    skip = installed.skip
    if (!skip) expect(installed.code, tail(installed.out)).toBe(0)
  })
  afterAll(() => repo?.remove())

  test('init wraps the Vitest config in withCodexGates and adds scripts to the existing package.json', ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest(skip)
    const init = repo.npx('codex-gates', 'init')
    expect(init.code, init.out).toBe(0)
    expect(init.out).not.toContain('npm install -D vitest') // already declared
    expect(init.out).toContain('updated vitest.config.ts — wrapped in withCodexGates(…)')
    expect(init.out).toContain('gates on (10): typecheck, ')
    expect(init.out).toContain('python-deps — no requirements*.txt, pyproject.toml, setup.cfg, uv.lock or poetry.lock')
    expect(readFileSync(join(repo.dir, 'vitest.config.ts'), 'utf8')).toBe(
      [
        "import { defineConfig } from 'vitest/config'",
        "import { withCodexGates } from 'codex-gates/vitest'",
        '',
        'export default defineConfig(withCodexGates({',
        '  test: {',
        "    include: ['test/**/*.test.ts'],",
        '  },',
        '}))',
        '',
      ].join('\n'),
    )
    const pkg = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8'))
    expect(pkg.name).toBe('tiny-stats')
    expect(pkg.scripts).toEqual({
      test: 'vitest run',
      typecheck: 'tsc --noEmit -p tsconfig.json',
      gates: 'codex-gates run',
      prepare: 'husky',
    })
  })

  test('codex-gates run and vitest --project gates pass on day one', ({ skip: skipTest }) => {
    if (skip) return skipTest(skip)
    expectGreenDayOne(repo)
  })

  test("the library's own tests land in the ledger through codex-gates/reporter", ({ skip: skipTest }) => {
    if (skip) return skipTest(skip)
    const all = repo.npx('vitest', 'run')
    expect(all.code, tail(all.out)).toBe(0)
    const rows = ledger(repo, (db) =>
      db
        .prepare(
          "SELECT t.project, t.file, t.name, t.state FROM test_results t JOIN sessions s ON s.id = t.session_id WHERE t.project = 'tests' ORDER BY t.name",
        )
        .all(),
    )
    expect(rows).toEqual(
      [
        'mean() > averages',
        'mean() > is NaN for no values',
        'quantile() > interpolates between ranks',
        'quantile() > q = 0 and q = 1 are the extremes',
        'variance() > uses n - 1',
      ].map((name) => ({ project: 'tests', file: 'test/stats.test.ts', name, state: 'passed' })),
    )
  })

  test('the adoption commit passes the hooks; init run again changes nothing', ({ skip: skipTest }) => {
    if (skip) return skipTest(skip)
    expectCommitThenIdempotentInit(repo)
  })

  test('git push runs the gates of this repository in pre-push', ({ skip: skipTest }) => {
    if (skip) return skipTest(skip)
    repo.git('init', '-q', '--bare', join(repo.parent, 'remote.git'))
    repo.git('remote', 'add', 'origin', join(repo.parent, 'remote.git'))
    // The commit before adoption was never gated: pushing it needs the recorded override.
    const push = repo.run('git', ['push', '-q', 'origin', 'main'], { CODEX_ALLOW_UNGATED: '1' })
    expect(push.code, tail(push.out)).toBe(0)
    expect(push.out).toMatch(/codex-gates pre-push ✓ · ungated \S+ ✓ · gates \S+ ✓/)
  })

  test('a fake key in a new staged file fails with file:line and at git commit; --no-verify is listed as ungated', ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest(skip)
    expectPlantedKeyBlocked(
      repo,
      'src/client.ts',
      (s) => `// the completion client\nexport const client = new OpenAI({ apiKey: '${s.secret}' })\n`,
    )
  })
})

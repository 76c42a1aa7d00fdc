// Adopting codex-gates in a small Python ML repository (no package.json, no Vitest, a notebook,
// unpinned requirements, a placeholder and a stub, a README link to a missing page), as a user would.
import { spawnSync } from 'node:child_process'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { GENERATED_VITEST_CONFIG } from '../../src/app/init/plan-init.ts'
import { expectCommitThenIdempotentInit, expectGreenDayOne, expectPlantedKeyBlocked } from './adoption-steps.ts'
import { prebuildEnv, tail, UserRepo } from './user-repo.ts'

const setup = inject('adoption')
/** As root every permission check passes: the no-write-access case runs init as `nobody` through setpriv. */
const hasSetpriv = () => spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0
let repo: UserRepo
let skip: string | undefined = setup.skip

describe('adopting codex-gates in a Python ML repository', () => {
  beforeAll(() => {
    if (skip) return
    repo = new UserRepo('python-ml')
    // As npm 12 and later install it: better-sqlite3's install script (its native binary) skipped.
    const installed = repo.install(setup, { ignoreScripts: true })
    skip = installed.skip
    if (!skip) expect(installed.code, tail(installed.out)).toBe(0)
  })
  afterAll(() => repo?.remove())

  test('init writes the config, a private package.json, a Vitest config, the hooks and the baselines', ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest(skip)
    const init = repo.run('npx', ['--no', 'codex-gates', 'init'], prebuildEnv(setup))
    expect(init.code, init.out).toBe(0)
    // npx's own warning about the prebuilds variable (npm 11: "Unknown env config") is npm's, not init's.
    // The progress line before the rebuild goes to stderr (after stdout here).
    const progress =
      /^better-sqlite3 was installed without its binary \(npm 12 skips install scripts package\.json does not allow\): running npm rebuild better-sqlite3 …\n/m
    expect(init.out).toMatch(progress)
    const out = init.out.replace(/^npm warn .*\n/gm, '').replace(progress, '')
    // The install skipped better-sqlite3's build: init allows it in package.json, then builds it.
    expect(out).toMatch(/\n {2}ran npm rebuild better-sqlite3 \(\d+\.\d s\): the ledger's SQLite binary is built\n/)
    expect(out).not.toContain('the ledger is off')
    expect(out).toContain('ran npm install -D vitest@^')
    expect(out).toContain('created codex-gates.json')
    expect(out).toMatch(/typecheck — no tsconfig\.json at the root/)
    expect(out).toMatch(/python-deps — |python-deps,/)
    expect(out).toContain('docs-links: 1 finding(s) in 1 file(s) accepted as warnings')
    // Three pinning findings, plus licence findings of whatever the machine's python3 has installed.
    expect(out).toMatch(/python-deps: \d+ finding\(s\) in 1 file\(s\) accepted as warnings/)
    const pyBaseline = JSON.parse(readFileSync(join(repo.dir, '.codex-gates', 'baselines', 'python-deps.json'), 'utf8'))
    expect(
      pyBaseline.entries.filter((e: { rule: string }) => e.rule === 'unpinned' || e.rule === 'open-ended').length,
    ).toBe(3)
    expect(out).toContain('placeholders ratchet: 2 placeholder(s) in 2 file(s) may stay')
    expect(out).toMatch(/next:\n {2}npx codex-gates run\n {2}git add -A && git commit -m "Adopt codex-gates"\n$/)

    const pkg = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({
      name: 'python-ml-gates',
      private: true,
      scripts: { gates: 'codex-gates run', prepare: 'husky' },
      allowScripts: { 'better-sqlite3': true },
    })
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['codex-gates', 'vitest'])
    const config = JSON.parse(readFileSync(join(repo.dir, 'codex-gates.json'), 'utf8'))
    expect(config.gates).toMatchObject({
      typecheck: { enabled: false },
      lint: { enabled: false },
      placeholders: { baseline: '.codex-gates/placeholders.baseline.json' },
    })
    expect(config.gates['python-deps']).toBeUndefined() // on, with its defaults
    expect(readFileSync(join(repo.dir, 'vitest.config.mjs'), 'utf8')).toBe(GENERATED_VITEST_CONFIG)
    expect(readFileSync(join(repo.dir, '.gitignore'), 'utf8')).toMatch(/\nnode_modules\/\n\.codex\/\n\/reports\/\n$/)
    expect(repo.git('config', 'core.hooksPath').out.trim()).toBe('.husky/_')
    expect(readFileSync(join(repo.dir, '.husky', 'pre-commit'), 'utf8')).toContain(
      'NODE_EXTRA_CA_CERTS= node ./node_modules/codex-gates/dist/src/app/cli/main.cjs hook pre-commit',
    )
  })

  test('codex-gates run and vitest --project gates pass on day one; ledger and reports in the repository', ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest(skip)
    expectGreenDayOne(repo)
  })

  test('the adoption commit passes the hooks; init run again changes nothing', ({ skip: skipTest }) => {
    if (skip) return skipTest(skip)
    expectCommitThenIdempotentInit(repo)
  })

  test('a commit touching files with baselined findings passes: they show as warnings, not errors', ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest(skip)
    const readme = join(repo.dir, 'README.md')
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nTrained on one CPU core in about a minute.\n`)
    const train = join(repo.dir, 'train.py')
    writeFileSync(
      train,
      readFileSync(train, 'utf8').replace('--epochs", type=int, default=5', '--epochs", type=int, default=8'),
    )
    repo.git('add', 'README.md', 'train.py')
    const commit = repo.git('commit', '-m', 'Train longer')
    expect(commit.code, commit.out).toBe(0)
    expect(commit.out).toMatch(/codex-gates pre-commit ✓ 2 files .* placeholders \S+ ✓ · docs-links \S+ ✓/)
    const scan = repo.npx('codex-gates', 'scan', 'docs-links')
    expect(scan.code, scan.out).toBe(0)
    expect(scan.out).toContain('docs-links README.md:12 broken-link')
    expect(scan.out).toContain('(baselined)')
  })

  test('a fake key in a new staged file fails with file:line and at git commit; --no-verify is listed as ungated', ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest(skip)
    expectPlantedKeyBlocked(repo, 'serve.py', (s) => `# inference endpoint\n${s.text}`)
  })

  test('errors on the way are exit 2 with the file or flag and the fix, never a stack', ({ skip: skipTest }) => {
    if (skip) return skipTest(skip)
    const noStack = (out: string) => expect(out).not.toMatch(/^\s+at /m)

    const verb = repo.npx('codex-gates', 'lint')
    expect(verb.code, verb.out).toBe(2)
    expect(verb.out).toContain('error: codex-gates: unknown command "lint"')
    expect(verb.out).toContain('see `codex-gates --help`')
    noStack(verb.out)

    const bin = join(repo.dir, 'node_modules', '.bin', 'codex-gates')
    const outside = repo.run(bin, ['init'], {}, repo.parent)
    expect(outside.code, outside.out).toBe(2)
    expect(outside.out).toContain(`error: not a git repository: ${repo.parent}`)
    expect(outside.out).toContain('hint: run it inside the repository to gate (`git init` first for a new one)')
    noStack(outside.out)

    const configPath = join(repo.dir, 'codex-gates.json')
    const config = readFileSync(configPath, 'utf8')
    writeFileSync(
      configPath,
      config.replace('"gates": {', '"gates": {\n    "secrets": { "entropy_threshold": "high" },'),
    )
    const bad = repo.npx('codex-gates', 'run')
    writeFileSync(configPath, config)
    expect(bad.code, bad.out).toBe(2)
    expect(bad.out).toContain('codex-gates.json: /gates/secrets/entropy_threshold must be number')
    expect(bad.out).toContain('hint: fix the value at /gates/secrets/entropy_threshold')
    noStack(bad.out)

    // The check reads the installed Vitest's version: an older one is named with its manifest.
    const vitestManifest = join(repo.dir, 'node_modules', 'vitest', 'package.json')
    const manifest = readFileSync(vitestManifest, 'utf8')
    writeFileSync(vitestManifest, manifest.replace(/"version": "[^"]+"/, '"version": "3.2.4"'))
    const old = repo.npx('codex-gates', 'run')
    writeFileSync(vitestManifest, manifest)
    expect(old.code, old.out).toBe(2)
    expect(old.out).toContain(`vitest 3.2.4 (${vitestManifest}) is older than 4`)
    expect(old.out).toContain('hint: run `npm i -D vitest@^4.1`')
    noStack(old.out)
  })

  test.skipIf(process.getuid?.() !== 0 || !hasSetpriv())(
    'init without write access is exit 2 naming the file, and writes nothing',
    ({ skip: skipTest }) => {
      if (skip) return skipTest(skip)
      // As root every permission check passes: run init as `nobody` over the root-owned repository.
      const baseline = join(repo.dir, '.codex-gates', 'baselines', 'secrets.json')
      const text = readFileSync(baseline, 'utf8')
      repo.git('rm', '-q', '--cached', '.codex-gates/baselines/secrets.json')
      repo.run('rm', [baseline])
      for (const dir of [repo.parent, repo.dir]) chmodSync(dir, 0o755)
      const denied = repo.run(
        'setpriv',
        [
          '--reuid=nobody',
          '--regid=nogroup',
          '--clear-groups',
          join(repo.dir, 'node_modules', '.bin', 'codex-gates'),
          'init',
        ],
        { HOME: '/tmp', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
      )
      expect(denied.code, denied.out).toBe(2)
      expect(denied.out).toContain('error: cannot write .codex-gates/baselines/secrets.json: permission denied')
      expect(denied.out).toContain('nothing was changed')
      expect(denied.out).not.toMatch(/^\s+at /m)
      writeFileSync(baseline, text)
      repo.git('add', '.codex-gates/baselines/secrets.json')
    },
  )
})

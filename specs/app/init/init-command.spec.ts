import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { initCommand } from '../../../src/app/init/init-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { tempDir } from '../../support/temp-dir.ts'

/** A clean environment for git and the gates: no hook or spec variables from the run that started us. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(GIT_|CODEX_|GATES_|HUSKY)/.test(k)) out[k] = v
  return { ...out, CODEX_GATES_NO_CACHE: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...extra }
}

/** What `npm i -D codex-gates` leaves (init declares Vitest through npm only when it is missing). */
const NPM_MADE = '{\n  "devDependencies": {\n    "codex-gates": "^0.2.0",\n    "vitest": "^4.1.12"\n  }\n}\n'

function repo(files: Record<string, string>): string {
  const root = tempDir('init-')
  for (const [path, text] of Object.entries({ 'package.json': NPM_MADE, ...files })) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env: env(), stdio: 'pipe' })
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Spec')
  git('config', 'user.email', 'spec@example.org')
  git('add', '-A')
  git('commit', '-q', '-m', 'initial')
  return root
}

async function init(root: string, ...args: string[]) {
  const io = memoryIo({ cwd: root, env: env() })
  const code = await runCommand(initCommand, args, io, 'codex-gates init')
  return { code, out: io.out }
}

describe('codex-gates init', () => {
  test('--dry-run prints the plan and writes nothing; the real run writes it; a second run changes nothing', async () => {
    const root = repo({ 'train.py': 'x = 1  # T' + 'ODO: more\n', 'README.md': '[gone](gone.md)\n' })
    const dry = await init(root, '--dry-run')
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('(dry run: nothing is written)')
    expect(dry.out).toContain('  would create codex-gates.json — ')
    expect(dry.out).toContain('  would create .codex-gates/baselines/docs-links.json — docs-links: 1 finding(s)')
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })).toBe('')

    const real = await init(root)
    expect(real.code).toBe(0)
    // Everything was committed: the next steps need no `git add` first.
    expect(real.out).toMatch(/next:\n {2}npx codex-gates run\n/)
    expect(real.out).toContain(
      '  created .codex-gates/placeholders.baseline.json — placeholders ratchet: 1 placeholder(s)',
    )
    expect(JSON.parse(readFileSync(join(root, '.codex-gates', 'placeholders.baseline.json'), 'utf8'))).toEqual({
      version: 1,
      files: { 'train.py': 1 },
    })
    expect(execFileSync('git', ['config', 'core.hooksPath'], { cwd: root, encoding: 'utf8' }).trim()).toBe('.husky/_')
    // husky's runtime, rewritten without its name-lookup processes (src/foundation/build/husky-runtime.mjs)
    expect(readFileSync(join(root, '.husky', '_', 'h'), 'utf8')).not.toMatch(/\$\((?:dirname|basename)/)
    expect(existsSync(join(root, 'reports'))).toBe(false) // taking baselines renders no report

    const again = await init(root)
    expect(again.out).toContain('nothing to change: codex-gates is set up here')
    expect(again.out).not.toContain('next:')
  })

  test('files git does not track yet: the next steps start with `git add -A` (the gates check what git tracks)', async () => {
    const root = repo({})
    writeFileSync(join(root, 'train.py'), 'x = 1\n')
    mkdirSync(join(root, 'src'))
    writeFileSync(join(root, 'src', 'model.py'), 'y = 2\n')
    const { code, out } = await init(root)
    expect(code).toBe(0)
    expect(out).toMatch(
      /next:\n {2}git add -A {16}# 2 file\(s\) not tracked yet: the gates check what git tracks\n {2}npx codex-gates run\n/,
    )
  })

  test("with another tool's core.hooksPath, our block runs first in its scripts under real git, and pre-push refs reach both", async () => {
    const tool = (name: string) =>
      `#!/bin/sh\nrefs=$(cat 2>/dev/null)\necho "tool ${name} saw [$refs] certs=$NODE_EXTRA_CA_CERTS" >> "$(git rev-parse --show-toplevel)/calls.log"\n`
    const root = repo({
      '.githooks/pre-commit': tool('pre-commit'),
      '.githooks/pre-push': tool('pre-push'),
      'a.txt': 'a\n',
    })
    for (const h of ['pre-commit', 'pre-push']) chmodSync(join(root, '.githooks', h), 0o755)
    execFileSync('git', ['config', 'core.hooksPath', '.githooks'], { cwd: root })
    // Stands in for the installed package's entry: records how it was called, what it read, and
    // the certificate variables its node started with.
    mkdirSync(join(root, 'node_modules', 'codex-gates', 'dist', 'src', 'app', 'cli'), { recursive: true })
    writeFileSync(
      join(root, 'node_modules', 'codex-gates', 'dist', 'src', 'app', 'cli', 'main.cjs'),
      [
        "const fs = require('node:fs')",
        'const args = process.argv.slice(2)',
        "const input = args[1] === 'pre-push' ? fs.readFileSync(0, 'utf8').replace(/\\n$/, '') : ''",
        'const { NODE_EXTRA_CA_CERTS: node, CODEX_HOOK_CA_CERTS: hook } = process.env',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript text the fake runs
        "fs.appendFileSync('calls.log', `codex-gates ${args.join(' ')} [${input}] certs=[${node}|${hook}]\\n`)",
        '',
      ].join('\n'),
    )

    const first = await init(root)
    expect(first.code).toBe(0)
    expect(first.out).toContain("hooks: core.hooksPath=.githooks (another tool's) is kept")
    expect(execFileSync('git', ['config', 'core.hooksPath'], { cwd: root, encoding: 'utf8' }).trim()).toBe('.githooks')
    expect((await init(root)).out).toContain('nothing to change')

    // Node warns at start about a certificate file it cannot read: none of these may have loaded it.
    const certs = '/nonexistent/init-spec-ca.pem'
    const git = (...args: string[]) =>
      spawnSync('git', args, { cwd: root, env: env({ NODE_EXTRA_CA_CERTS: certs }), encoding: 'utf8' })
    writeFileSync(join(root, '.gitignore'), 'node_modules/\ncalls.log\n')
    git('add', '-A')
    const commit = git('commit', '-q', '-m', 'adopt')
    expect(commit.status, commit.stderr).toBe(0)
    expect(commit.stderr).not.toMatch(/Ignoring extra certs/)
    const remote = join(tempDir('remote-'), 'remote.git')
    execFileSync('git', ['init', '-q', '--bare', remote])
    expect(git('push', '-q', remote, 'main').status).toBe(0)
    const calls = readFileSync(join(root, 'calls.log'), 'utf8').trim().split('\n')
    const sha = git('rev-parse', 'HEAD').stdout.trim()
    // Our node starts without the certificates and is handed them aside; the tool's own commands,
    // after our block in the same script, still see them as git gave them.
    const ours = `certs=[|${certs}]`
    expect(calls).toEqual([
      `codex-gates hook pre-commit [] ${ours}`,
      `tool pre-commit saw [] certs=${certs}`,
      `codex-gates hook post-commit [] ${ours}`,
      `codex-gates hook pre-push ${remote} ${remote} [refs/heads/main ${sha} refs/heads/main 0000000000000000000000000000000000000000] ${ours}`,
      `tool pre-push saw [refs/heads/main ${sha} refs/heads/main 0000000000000000000000000000000000000000] certs=${certs}`,
    ])
  })

  test('a core.hooksPath in the global config is left alone and the lines are printed', async () => {
    const root = repo({ 'a.txt': 'a\n' })
    const global = join(tempDir('gitconfig-'), 'config')
    writeFileSync(global, '[core]\n\thooksPath = /opt/company/hooks\n')
    const io = memoryIo({ cwd: root, env: env({ GIT_CONFIG_GLOBAL: global }) })
    expect(await runCommand(initCommand, [], io, 'codex-gates init')).toBe(0)
    expect(io.out).toContain('hooks: core.hooksPath is set outside this repository (/opt/company/hooks)')
    expect(io.out).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
      '    CODEX_HOOK_CA_CERTS="${NODE_EXTRA_CA_CERTS-}" NODE_EXTRA_CA_CERTS= node ./node_modules/codex-gates/dist/src/app/cli/main.cjs hook pre-commit || exit $?',
    )
    expect(existsSync(join(root, '.husky'))).toBe(false)
  })

  test('a package of a monorepo gets its own config and baselines; the hooks stay with the repository top', async () => {
    const root = repo({ 'packages/a/train.py': 'x = 1\n', 'packages/a/requirements.txt': 'numpy==1.26.4\n' })
    const { code, out } = await init(root, '--root', 'packages/a')
    expect(code).toBe(0)
    expect(out).toContain(`hooks: left to the repository at ${realpathSync(root)} (this folder is a package inside it)`)
    expect(existsSync(join(root, 'packages', 'a', 'codex-gates.json'))).toBe(true)
    expect(existsSync(join(root, 'packages', 'a', '.codex-gates', 'baselines', 'python-deps.json'))).toBe(true)
    expect(existsSync(join(root, 'packages', 'a', '.husky'))).toBe(false)
    expect(JSON.parse(readFileSync(join(root, 'packages', 'a', 'package.json'), 'utf8')).scripts).toEqual({
      gates: 'codex-gates run',
    })
  })

  test('outside a git repository: exit 2 naming the folder, with the fix', async () => {
    const dir = tempDir('not-git-')
    const io = memoryIo({ cwd: dir, env: env() })
    await expect(runCommand(initCommand, ['--root', dir], io, 'codex-gates init')).rejects.toMatchObject({
      exitCode: 2,
      message: `not a git repository: ${dir}`,
    })
  })
})

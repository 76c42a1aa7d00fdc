import { execFile } from 'node:child_process'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { gatesCommand } from '../../src/app/gates/gates-command.ts'
import { spawnVitest } from '../../src/app/gates/spawn-vitest.ts'
import { GATE_NAMES } from '../../src/domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../src/domain/gates/repo-files.ts'
import { allFakeSecrets } from '../../src/domain/gates/secrets/fake-secrets.ts'
import { memoryIo, processIo } from '../../src/foundation/cli/io.ts'
import { runCommand } from '../../src/foundation/cli/run-command.ts'
import { UserError } from '../../src/foundation/errors/user-error.ts'
import { tempDir, tempRepo } from '../domain/gates/_temp-repo.ts'

function io(env: NodeJS.ProcessEnv = {}) {
  const vitestCalls: { args: string[]; env: NodeJS.ProcessEnv }[] = []
  const value = memoryIo({ env })
  const runVitest = async (args: string[], e: NodeJS.ProcessEnv) => {
    vitestCalls.push({ args, env: e })
    return 0
  }
  const gatesRuns: string[][] = []
  const runGates = async (argv: string[]) => {
    gatesRuns.push(argv)
    return 0
  }
  return { io: value, runVitest, runGates, text: () => value.out, vitestCalls, gatesRuns }
}

/** `npm run gates -- <argv>` in-process, with Vitest stood in for. */
function gatesCli(argv: string[], t: ReturnType<typeof io> = io()): Promise<number> {
  return runCommand(gatesCommand(t.runVitest, t.runGates), argv, t.io)
}

async function rejection(p: Promise<unknown>): Promise<UserError> {
  try {
    await p
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a UserError')
}

describe('npm run gates (no command)', () => {
  test('runs vitest on the gates project, passing flags through; --no-cache and --root become env', async () => {
    const root = tempRepo({ 'a.txt': 'x' })
    const t = io({ PATH: process.env.PATH })
    expect(await gatesCli(['--no-cache', '--root', root, '-t', 'secrets'], t)).toBe(0)
    expect(t.vitestCalls).toHaveLength(1)
    expect(t.vitestCalls[0]?.args).toEqual(['run', '--project', 'gates', '-t', 'secrets'])
    expect(t.vitestCalls[0]?.env).toMatchObject({ CODEX_GATES_NO_CACHE: '1', GATES_ROOT: root })
  })

  test('without Vitest flags it is codex-gates run (a warm run starts no Vitest); --no-cache goes along', async () => {
    const root = tempRepo({ 'a.txt': 'x' })
    const t = io({ PATH: process.env.PATH })
    expect(await gatesCli(['--root', root], t)).toBe(0)
    expect(await gatesCli(['--no-cache', `--root=${root}`], t)).toBe(0)
    expect(t.gatesRuns).toEqual([
      ['--root', root],
      ['--root', root, '--no-cache'],
    ])
    expect(t.vitestCalls).toHaveLength(0)
    expect(await gatesCli(['--root', root, '-t', 'secrets'], t)).toBe(0)
    expect(t.vitestCalls).toHaveLength(1)
  })

  test('a bad config stops before vitest starts', async () => {
    const root = tempRepo({ 'configs/gates.json': { gates: { lnt: {} } } })
    const t = io()
    const e = await rejection(gatesCli(['--root', root], t))
    expect(e.message).toContain('/gates/lnt is not a known setting')
    expect(t.vitestCalls).toEqual([])
  })

  test('an unknown command suggests the nearest', async () => {
    const e = await rejection(gatesCli(['scna'], io()))
    expect([e.message, e.hint]).toEqual([
      'npm run gates --: unknown command "scna"',
      'did you mean `npm run gates -- scan`? see `npm run gates -- --help`',
    ])
  })

  test('an unknown command with no near match only points at --help', async () => {
    const e = await rejection(gatesCli(['qqqqqqqq'], io()))
    expect([e.code, e.message, e.hint]).toEqual([
      'BAD_USAGE',
      'npm run gates --: unknown command "qqqqqqqq"',
      'see `npm run gates -- --help`',
    ])
  })

  test('--root=DIR works like --root DIR; --root without a folder is a usage error', async () => {
    const root = tempRepo({ 'a.txt': 'x' })
    const t = io()
    expect(await gatesCli([`--root=${root}`, '--reporter=verbose'], t)).toBe(0)
    expect(t.vitestCalls[0]?.args).toEqual(['run', '--project', 'gates', '--reporter=verbose'])
    expect(t.vitestCalls[0]?.env.GATES_ROOT).toBe(root)
    expect(t.vitestCalls[0]?.env.CODEX_GATES_NO_CACHE).toBeUndefined()
    for (const argv of [['--root'], ['--root=']]) {
      const e = await rejection(gatesCli(argv, io()))
      expect([e.code, e.message, e.hint]).toEqual([
        'BAD_FLAG',
        '--root needs a folder',
        'e.g. npm run gates -- --root ../other-repo',
      ])
    }
  })

  test("with the process's Io, help goes to process.stdout", async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      expect(await runCommand(gatesCommand(), ['--help'], processIo())).toBe(0)
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/^usage: npm run gates -- \[command\]/))
    } finally {
      write.mockRestore()
    }
  })

  test('--help lists the commands and gates', async () => {
    const t = io()
    expect(await gatesCli(['--help'], t)).toBe(0)
    expect(t.text()).toMatch(/^usage: npm run gates -- \[command\]/)
    expect(t.text()).toMatch(/\n {2}scan {6}run one gate outside Vitest/)
    expect(t.text()).toContain('--no-cache')
    expect(t.text()).toContain('large-files')
  })
})

describe('npm run gates -- scan', () => {
  const aws = allFakeSecrets(4).find((f) => f.rule === 'aws-access-key-id')
  const repo = () => tempRepo({ 'conf/a.ini': `x = 1\n${aws?.text}`, 'ok.txt': 'fine' }, { git: true })

  test('prints findings (redacted) and exits 1 on an error finding', async () => {
    const t = io()
    expect(await gatesCli(['scan', 'secrets', '--root', repo()], t)).toBe(1)
    expect(t.text()).toMatch(
      /^secrets conf\/a\.ini:2 aws-access-key-id: AWS access key id: AKIA…\[redacted 20 chars\] — fix: /,
    )
    expect(t.text()).toMatch(/secrets: failed, 1 error\(s\), 0 warning\(s\), 2 file\(s\)/)
    expect(t.text()).not.toContain(aws?.secret)
  })

  test('--json and --sarif print machine-readable output', async () => {
    const root = repo()
    const j = io()
    await gatesCli(['scan', 'secrets', '--root', root, '--json'], j)
    const payload = JSON.parse(j.text())
    expect(payload).toMatchObject({ gate: 'secrets', status: 'failed', findings: [{ file: 'conf/a.ini', line: 2 }] })
    const s = io()
    await gatesCli(['scan', 'secrets', '--root', root, '--sarif'], s)
    expect(JSON.parse(s.text()).runs[0].results[0].ruleId).toBe('secrets/aws-access-key-id')
    expect(`${j.text()}${s.text()}`).not.toContain(aws?.secret)
  })

  test('files after the gate limit the scan (what lint-staged passes)', async () => {
    const root = repo()
    const t = io()
    expect(await gatesCli(['scan', 'secrets', '--root', root, join(root, 'ok.txt')], t)).toBe(0)
    expect(t.text()).toContain('secrets: passed, 0 error(s), 0 warning(s), 1 file(s)')
  })

  test('relative files are read from --root, not from the working directory', async () => {
    const root = repo()
    expect(process.cwd()).not.toBe(root)
    const t = io()
    expect(await gatesCli(['scan', 'secrets', 'conf/a.ini', '--root', root], t)).toBe(1)
    expect(t.text()).toMatch(/^secrets conf\/a\.ini:2 aws-access-key-id: /)
    expect(t.text()).toContain('secrets: failed, 1 error(s), 0 warning(s), 1 file(s)')
  })

  test('a file that does not exist, or lies outside --root, is a usage error naming it', async () => {
    const root = repo()
    const missing = await rejection(gatesCli(['scan', 'secrets', 'does-not-exist.txt', '--root', root], io()))
    expect([missing.code, missing.exitCode, missing.message, missing.hint]).toEqual([
      'GATES_FILE',
      2,
      `no such file: does-not-exist.txt (looked for ${join(root, 'does-not-exist.txt')})`,
      'pass files that exist under --root: relative to it, or absolute',
    ])
    const outside = join(tempRepo({ 'x.txt': 'x' }), 'x.txt')
    for (const file of [outside, '../x.txt']) {
      const e = await rejection(gatesCli(['scan', 'secrets', file, '--root', root], io()))
      expect([e.code, e.message]).toEqual(['GATES_FILE', `${file} is not inside the repository being gated (${root})`])
    }
    const folder = await rejection(gatesCli(['scan', 'secrets', 'conf', '--root', root], io()))
    expect(folder.message).toBe(`conf is not a file (${join(root, 'conf')})`)
  })

  test('scan --help prints the usage; scan without a gate lists the gates', async () => {
    const t = io()
    expect(await gatesCli(['scan', '--help'], t)).toBe(0)
    expect(t.text()).toMatch(/^usage: npm run gates -- scan \[gate\] \[files\.\.\.\] \[options\]\n/)
    expect(t.text()).toContain('--sarif')
    const e = await rejection(gatesCli(['scan'], io()))
    expect([e.code, e.message]).toEqual(['GATES_SCAN', 'scan needs a gate name'])
    expect(e.hint).toMatch(
      /^choose one of: typecheck, lint, secrets, .*large-files, layers, python-deps, notebook-outputs, python-lint, python-types$/,
    )
  })

  test('a gate that does not apply prints why it was skipped and exits 0', async () => {
    const root = tempRepo({ 'a.js': 'x\n' }, { git: true })
    const t = io()
    expect(await gatesCli(['scan', 'typecheck', '--root', root], t)).toBe(0)
    expect(t.text()).toBe('typecheck: skipped (no tsconfig.json at the root)\n')
  })

  test('an unknown gate with no near match lists every gate', async () => {
    const e = await rejection(gatesCli(['scan', 'qqqqqqqq'], io()))
    expect(e.message).toBe('no gate named "qqqqqqqq"')
    expect(e.hint).toMatch(/^gates: typecheck, lint, /)
  })

  test('an unknown gate suggests the nearest; --json with --sarif is refused', async () => {
    expect((await rejection(gatesCli(['scan', 'secret'], io()))).hint).toContain('did you mean secrets?')
    expect((await rejection(gatesCli(['scan', 'lint', '--json', '--sarif'], io()))).message).toBe(
      '--json and --sarif exclude each other',
    )
  })
})

describe('npm run gates -- manifest / baseline placeholders', () => {
  test('manifest writes the pre-manifest the integrity gate then checks', async () => {
    const root = tempRepo({ 'a.txt': 'a', 'b.txt': 'b' }, { git: true })
    const t = io()
    expect(await gatesCli(['manifest', '--root', root], t)).toBe(0)
    expect(t.text()).toBe('wrote .codex/pre_manifest.json: 2 files\n')
    expect(Object.keys(JSON.parse(readFileSync(join(root, '.codex', 'pre_manifest.json'), 'utf8')).files)).toEqual([
      'a.txt',
      'b.txt',
    ])
    expect(await gatesCli(['scan', 'integrity', '--root', root], io())).toBe(0)
    writeFileSync(join(root, 'a.txt'), 'changed')
    const after = io()
    expect(await gatesCli(['scan', 'integrity', '--root', root], after)).toBe(1)
    expect(after.text()).toContain('integrity a.txt changed: a.txt changed since the manifest of')
  })

  test('baseline placeholders rewrites the per-file counts', async () => {
    const root = tempRepo({ 'a.py': `# ${['FIX', 'ME'].join('')}\n` }, { git: true })
    const t = io()
    expect(await gatesCli(['baseline', 'placeholders', '--root', root], t)).toBe(0)
    expect(JSON.parse(readFileSync(join(root, 'configs', 'placeholders.baseline.json'), 'utf8'))).toEqual({
      version: 1,
      files: { 'a.py': 1 },
    })
    expect(t.text()).toBe(
      'wrote configs/placeholders.baseline.json: placeholders ratchet: 1 placeholder(s) in 1 file(s) may stay, no file may gain one\n',
    )
  })

  test('baseline <gate> writes fingerprints for any gate; again, it says unchanged; a gate that does not run writes none', async () => {
    const root = tempRepo({ 'a.py': 'x = 1\n', 'b.py': 'x = 1\n', 'c.py': 'y\n' }, { git: true })
    const e = { ...process.env, CODEX_GATES_NO_CACHE: '1' }
    const t = io(e)
    expect(await gatesCli(['baseline', 'duplicates', '--root', root], t)).toBe(0)
    expect(t.text()).toBe(
      'wrote .codex-gates/baselines/duplicates.json: duplicates: 1 finding(s) in 1 file(s) accepted as warnings; new ones fail\n',
    )
    const written = JSON.parse(readFileSync(join(root, '.codex-gates', 'baselines', 'duplicates.json'), 'utf8'))
    expect(written).toMatchObject({
      version: 1,
      gate: 'duplicates',
      entries: [{ rule: 'identical-files', file: 'b.py', count: 1 }],
    })
    expect(await gatesCli(['scan', 'duplicates', '--root', root], io(e))).toBe(0)
    const again = io(e)
    expect(await gatesCli(['baseline', 'duplicates', '--root', root], again)).toBe(0)
    expect(again.text()).toMatch(/^\.codex-gates\/baselines\/duplicates\.json unchanged: /)
    const skipped = io(e)
    expect(await gatesCli(['baseline', 'typecheck', '--root', root], skipped)).toBe(0)
    expect(skipped.text()).toBe('typecheck: not run here (no tsconfig.json at the root); no baseline written\n')
  })
})

describe('npm run gates -- manifest / baseline: usage', () => {
  test('--help prints the usage', async () => {
    for (const command of ['manifest', 'baseline']) {
      const t = io()
      expect(await gatesCli([command, '--help'], t)).toBe(0)
      expect(t.text()).toMatch(new RegExp(`^usage: npm run gates -- ${command} `))
      expect(t.text()).toContain('--root <dir>')
    }
  })

  test('manifest takes no arguments; baseline needs the one name it knows', async () => {
    const manifest = await rejection(gatesCli(['manifest', 'extra'], io()))
    expect([manifest.message, manifest.hint]).toEqual([
      'npm run gates -- manifest: unexpected argument "extra"',
      'it takes no arguments; see `npm run gates -- manifest --help`',
    ])
    const bare = await rejection(gatesCli(['baseline'], io()))
    expect([bare.message, bare.hint]).toEqual([
      'baseline needs a gate name',
      `e.g. npm run gates -- baseline secrets; gates: ${GATE_NAMES.join(', ')}`,
    ])
    expect((await rejection(gatesCli(['baseline', 'placeholders', 'extra'], io()))).message).toBe(
      'npm run gates -- baseline: unexpected argument "extra"',
    )
    const unknown = await rejection(gatesCli(['baseline', 'secret'], io()))
    expect([unknown.message, unknown.hint]).toEqual([
      'no gate named "secret"',
      expect.stringMatching(/^did you mean secrets\? /),
    ])
  })
})

describe('spawnVitest()', () => {
  /** An executable shell script standing in for vitest. */
  function fakeVitest(body: string, mode = 0o755): string {
    const bin = join(tempDir('gates-vitest-'), 'vitest')
    writeFileSync(bin, `#!/bin/sh\n${body}\n`)
    chmodSync(bin, mode)
    return bin
  }

  test("resolves to the child's exit code, with the args and env it was given", async () => {
    const bin = fakeVitest('[ "$1 $2" = "run --project" ] && [ "$GATES_ROOT" = "/r" ] && exit 7; exit 1')
    expect(await spawnVitest(['run', '--project', 'gates'], { GATES_ROOT: '/r' }, bin)).toBe(7)
  })

  test('a child killed by SIGINT is 130 (interrupted); by another signal, 3 (bug)', async () => {
    expect(await spawnVitest([], {}, fakeVitest('kill -INT $$'))).toBe(130)
    expect(await spawnVitest([], {}, fakeVitest('kill -TERM $$'))).toBe(3)
  })

  test('a missing vitest is a user error that says to run npm ci; other spawn errors pass through', async () => {
    const missing = join(tempDir('gates-vitest-'), 'vitest')
    const e = await rejection(spawnVitest([], {}, missing))
    expect([e.code, e.message, e.hint]).toEqual(['NO_VITEST', `vitest is not installed at ${missing}`, 'run `npm ci`'])
    await expect(spawnVitest([], {}, fakeVitest('exit 0', 0o644))).rejects.toMatchObject({ code: 'EACCES' })
  })

  test("by default runs this repository's vitest", async () => {
    expect(await spawnVitest(['--version'], process.env)).toBe(0)
  }, 30_000)
})

describe('scripts/gates.ts', () => {
  test('a bad config exits 2 with the JSON path and no stack', async () => {
    const root = tempRepo({ 'configs/gates.json': { gates: { secrets: { min_length: 'long' } } } })
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx'),
        [join(PACKAGE_ROOT, 'scripts', 'gates.ts'), 'scan', 'secrets', '--root', root],
        { cwd: root },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
      )
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('error: configs/gates.json: /gates/secrets/min_length must be integer')
    expect(result.stderr).not.toContain('    at ')
  }, 30_000)
})

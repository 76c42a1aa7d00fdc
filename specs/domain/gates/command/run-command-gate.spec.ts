// Command gates end to end: real processes (node fixture tools, sh), real output parsing, the
// result cache in a temp file. The smoke cases need python3 and skip without it.
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { COMMAND_DEFAULTS, type CommandGateConfig } from '../../../../src/domain/gates/command/command-config.ts'
import { type CommandRunOptions, runCommandGate } from '../../../../src/domain/gates/command/run-command-gate.ts'
import { tempDir, tempRepo } from '../_temp-repo.ts'

const FIXTURES = join(import.meta.dirname, '../../../fixtures/command-gates')
const hasPython = spawnSync('python3', ['--version']).status === 0
const NO_PYTHON = 'python3 is not installed: the smoke-gate runs are skipped'
// Built at run time, so this repository's own secrets gate never sees a key shape in the source.
const FAKE_KEY = ['AK', 'IA', 'QZ7R', 'W2LM', 'X3TP', 'B4NC'].join('')

const gate = (over: Partial<CommandGateConfig> & Pick<CommandGateConfig, 'run'>): CommandGateConfig => ({
  ...COMMAND_DEFAULTS,
  ...over,
})

/** A repository with the fixture tools under tools/ and a few Python files. */
function repo(files: Record<string, string> = {}) {
  const root = tempRepo({
    'src/model.py': 'def forward(x):\n    breakpoint()\n    return x\n',
    'src/data.py': 'def load():\n    return []\n',
    'docs/notes.md': 'breakpoint() in prose is not code\n',
    ...files,
  })
  mkdirSync(join(root, 'tools'))
  for (const t of ['lint-lines.mjs', 'lint-sarif.mjs', 'slow.mjs'])
    copyFileSync(join(FIXTURES, 'tools', t), join(root, 'tools', t))
  const state = tempDir('command-gate-state-')
  const options = (over: Partial<CommandRunOptions> = {}): CommandRunOptions => ({
    root,
    paths: ['docs/notes.md', 'src/data.py', 'src/model.py', ...Object.keys(files)],
    stage: 'ci',
    env: { ...process.env },
    cachePath: join(state, 'gate-cache.json'),
    reportsDir: join(state, 'reports'),
    ...over,
  })
  return { root, state, options }
}

describe('runCommandGate()', () => {
  test('a tool not on PATH is skipped with the install command; required, it fails', async () => {
    const { options } = repo()
    const run = await runCommandGate('mypy', gate({ run: ['mypy', 'src'] }), options({ env: { PATH: '/nonexistent' } }))
    expect(run.status).toBe('skipped')
    expect(run.reason).toBe(
      'mypy is not installed (not found on PATH): pip install mypy (or pipx install mypy; Debian: apt-get install -y mypy)',
    )

    const custom = await runCommandGate(
      'lint',
      gate({ run: 'acme-lint --strict', install: 'ask the platform team for acme-lint 2.x', required: true }),
      options({ env: { PATH: '/nonexistent' } }),
    )
    expect(custom.status).toBe('failed')
    expect(custom.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      [
        'tool-missing',
        'error',
        'acme-lint is not installed (not found on PATH): ask the platform team for acme-lint 2.x',
      ],
    ])
  })

  test('lines (mypy shape) and SARIF output become findings at repo-relative file:line; only selected files are passed', async () => {
    const { options } = repo()
    const selection = { files: ['*.py'], pass_filenames: true }
    const lines = await runCommandGate(
      'breakpoints',
      gate({ run: ['node', 'tools/lint-lines.mjs'], format: 'lines', pattern: 'mypy', ...selection }),
      options(),
    )
    expect(lines.status).toBe('failed')
    expect(lines.fileCount).toBe(2)
    expect(lines.findings.map((f) => [f.gate, f.file, f.line, f.rule, f.severity, f.message])).toEqual([
      ['breakpoints', 'src/model.py', 2, 'no-breakpoint', 'error', 'breakpoint() left in the code (col 5)'],
    ])
    expect(lines.findings[0]?.remediation).toBe(
      'fix what `node tools/lint-lines.mjs` reports (rule no-breakpoint), then run it again',
    )

    const sarif = await runCommandGate(
      'breakpoints-sarif',
      gate({ run: ['node', 'tools/lint-sarif.mjs'], format: 'sarif', ...selection }),
      options(),
    )
    expect(sarif.findings.map((f) => [f.file, f.line, f.rule, f.severity])).toEqual([
      ['src/model.py', 2, 'FX001', 'error'],
    ])
    // Its output is kept, for the report: a log artifact and the tail in an event.
    const log = readFileSync(sarif.artifacts[0]?.path as string, 'utf8')
    expect(log).toContain('$ node tools/lint-sarif.mjs src/data.py src/model.py')
    expect(log).toMatch(/\[exit 1 in \d+ ms\]/)
  })

  test('a passed run is cached; a changed input, env, command or tool version runs it again', async () => {
    const { root, options } = repo()
    const bin = tempDir('command-gate-bin-')
    const tool = join(bin, 'bp-lint')
    const install = (version: string) => {
      writeFileSync(
        tool,
        `#!/bin/sh\n[ "$1" = --version ] && { echo "bp-lint ${version}"; exit 0; }\nexec node ${join(root, 'tools/lint-lines.mjs')} "$@"\n`,
      )
      chmodSync(tool, 0o755)
    }
    install('1.0')
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` }
    const config = gate({
      run: ['bp-lint'],
      files: ['src/data.py'],
      pass_filenames: true,
      format: 'lines',
      pattern: 'mypy',
    })
    const statuses: string[] = []
    const run = async (c = config, e = env) => {
      const r = await runCommandGate('breakpoints', c, options({ env: e }))
      statuses.push(r.status)
      return r
    }
    await run()
    await run()
    writeFileSync(join(root, 'docs/notes.md'), 'an unselected file changed\n')
    await run()
    writeFileSync(join(root, 'src/data.py'), 'def load():\n    return [1]\n')
    await run()
    await run(config, { ...env, BP_STRICT: '1' })
    await run({ ...config, env: { LEVEL: '2' } })
    install('1.1-with-a-longer-version')
    await run()
    await run()
    expect(statuses).toEqual(['passed', 'cached', 'cached', 'passed', 'cached', 'passed', 'passed', 'cached'])
  })

  test('the environment of the parent does not change the key, the gate env does; a failed run is never cached', async () => {
    const { options } = repo()
    const config = gate({
      run: ['node', 'tools/lint-lines.mjs'],
      files: ['src/model.py'],
      pass_filenames: true,
      format: 'lines',
      pattern: 'mypy',
    })
    expect((await runCommandGate('breakpoints', config, options())).status).toBe('failed')
    expect((await runCommandGate('breakpoints', config, options())).status).toBe('failed')
  })

  test('a shell string gets the files as separate words, spaces and all; a timeout kills the whole process group', async () => {
    const { options } = repo({ 'data/my file.txt': 'x\n' })
    const run = await runCommandGate(
      'list',
      gate({ run: 'cd data && printf "<%s>"', files: ['data/**'], pass_filenames: true }),
      options(),
    )
    expect(run).toMatchObject({ status: 'passed', findings: [] })
    // "$@" after the string: each file one word, spaces kept (and run from data/, as the command says).
    expect(readFileSync(run.artifacts[0]?.path as string, 'utf8')).toContain('<data/my file.txt>')

    const started = performance.now()
    const slow = await runCommandGate(
      'slow',
      gate({ run: 'node tools/slow.mjs 20000 & wait', timeout_ms: 1000 }),
      options(),
    )
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(slow.status).toBe('failed')
    expect(slow.findings.map((f) => f.rule)).toEqual(['timeout'])
  })

  test('secrets in the output are masked in the event and the log; a gate outside the stage is skipped', async () => {
    const { options } = repo()
    const run = await runCommandGate(
      'leaky',
      gate({ run: ['sh', '-c', `echo "using key ${FAKE_KEY}"; exit 3`] }),
      options(),
    )
    expect(run.status).toBe('failed')
    const everything =
      JSON.stringify(run.events) + readFileSync(run.artifacts[0]?.path as string, 'utf8') + JSON.stringify(run.findings)
    expect(JSON.stringify(run.events)).not.toContain(FAKE_KEY)
    expect(JSON.stringify(run.findings)).not.toContain(FAKE_KEY)
    expect(everything).not.toContain(FAKE_KEY)
    expect(everything).toContain('AKIA…[redacted 20 chars]')
    expect(run.findings.map((f) => f.rule)).toEqual(['exit-code'])

    const later = await runCommandGate('later', gate({ run: ['true'], stages: ['push'] }), options({ stage: 'commit' }))
    expect(later).toMatchObject({ status: 'skipped', reason: 'runs at push, not commit (gates.later.stages)' })
  })
})

describe('runCommandGate() smoke gates', () => {
  const smoke = (over: Partial<CommandGateConfig> = {}) =>
    gate({
      run: ['python3', 'train.py', '--steps', '20'],
      kind: 'smoke',
      cache: false,
      expect: { ...COMMAND_DEFAULTS.expect, falls: { loss: 1 }, max_seconds: 60, min_steps: 20 },
      ...over,
    })
  const smokeRepo = () => repo({ 'train.py': readFileSync(join(FIXTURES, 'smoke', 'train.py'), 'utf8') })

  test.skipIf(!hasPython)(
    'a falling loss passes and every point goes to the ledger under one training run',
    async (ctx) => {
      if (!hasPython) return ctx.skip(NO_PYTHON)
      const { options } = smokeRepo()
      const run = await runCommandGate('smoke-cpu', smoke(), options())
      expect(run.status).toBe('passed')
      expect(run.trainingRuns).toHaveLength(1)
      const [training] = run.trainingRuns
      expect(training?.run).toMatchObject({ backend: 'command', device: 'cpu', status: 'completed' })
      const losses = (training?.metrics ?? []).filter((m) => m.name === 'loss')
      expect(losses).toHaveLength(20)
      expect(losses[0]).toMatchObject({ run_id: training?.run.id, step: 1, is_nan: 0 })
      expect(Number(losses[19]?.value)).toBeLessThan(Number(losses[0]?.value) - 1)
    },
  )

  test.skipIf(!hasPython)(
    'a NaN run fails naming the step; its NaN points are stored as NULL with is_nan',
    async (ctx) => {
      if (!hasPython) return ctx.skip(NO_PYTHON)
      const { options } = smokeRepo()
      const run = await runCommandGate(
        'smoke-cpu',
        smoke({ run: ['python3', 'train.py', '--steps', '20', '--nan-at', '7'] }),
        options(),
      )
      expect(run.status).toBe('failed')
      expect(run.findings.map((f) => `${f.rule}: ${f.message}`)).toContain('non-finite-loss: loss is NaN at step 7')
      expect(run.trainingRuns[0]?.run.status).toBe('failed')
      const nan = run.trainingRuns[0]?.metrics?.find((m) => m.name === 'loss' && m.step === 7)
      expect(nan).toMatchObject({ value: null, is_nan: 1 })
    },
  )

  test.skipIf(!hasPython)('metrics from a file the run writes', async (ctx) => {
    if (!hasPython) return ctx.skip(NO_PYTHON)
    const { options } = smokeRepo()
    const run = await runCommandGate(
      'smoke-file',
      smoke({
        run: ['python3', 'train.py', '--steps', '20', '--metrics', 'out/metrics.jsonl'],
        metrics: { ...COMMAND_DEFAULTS.metrics, file: 'out/metrics.jsonl' },
      }),
      options({
        root: (() => {
          const o = options()
          mkdirSync(join(o.root, 'out'), { recursive: true })
          return o.root
        })(),
      }),
    )
    expect(run.status).toBe('passed')
    expect(run.trainingRuns[0]?.metrics?.filter((m) => m.name === 'loss')).toHaveLength(20)
  })

  test('requires gpu: skipped with the reason where nvidia-smi is absent or sees no device; run where it lists one', async () => {
    const { options } = repo()
    const bin = tempDir('command-gate-gpu-')
    const config = gate({
      run: ['true'],
      kind: 'smoke',
      requires: 'gpu',
      cache: false,
      expect: { ...COMMAND_DEFAULTS.expect },
    })
    const absent = await runCommandGate('smoke-gpu', config, options({ env: { PATH: bin } }))
    expect(absent).toMatchObject({
      status: 'skipped',
      reason: 'no GPU here: nvidia-smi is not installed (requires: gpu)',
    })

    const smi = join(bin, 'nvidia-smi')
    writeFileSync(smi, '#!/bin/sh\necho "No devices were found"\nexit 6\n')
    chmodSync(smi, 0o755)
    const none = await runCommandGate('smoke-gpu', config, options({ env: { PATH: `${bin}:/usr/bin:/bin` } }))
    expect(none).toMatchObject({
      status: 'skipped',
      reason: 'no GPU here: nvidia-smi lists no device (No devices were found) (requires: gpu)',
    })

    writeFileSync(smi, '#!/bin/sh\necho "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-0)"\n')
    const present = await runCommandGate('smoke-gpu', config, options({ env: { PATH: `${bin}:/usr/bin:/bin` } }))
    // It ran: `true` logs no metrics, so the smoke expectations fail it.
    expect(present.status).toBe('failed')
    expect(present.findings.map((f) => f.rule)).toEqual(['no-metrics'])
    expect(present.trainingRuns[0]?.run.device).toBe('gpu')
  })
})

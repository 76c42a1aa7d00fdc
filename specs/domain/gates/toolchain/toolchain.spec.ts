import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import {
  probeTool,
  scanToolchain,
  toolchainGate,
  toolchainInputs,
  whichSync,
} from '../../../../src/domain/gates/toolchain/toolchain.ts'
import { probeSpecs } from '../../../../src/domain/gates/toolchain/toolchain-config.ts'
import { tempRepo } from '../_temp-repo.ts'

describe('probeTool()', () => {
  test('finds node with its version and path', async () => {
    const probe = await probeTool('node')
    expect(probe).toMatchObject({ tool: 'node', ok: true, version: process.version.slice(1) })
    expect(probe.path).toBe(whichSync('node'))
  })

  test('a tool that is not on PATH is reported, not thrown', async () => {
    const probe = await probeTool('git', { PATH: '/nonexistent' })
    expect(probe).toMatchObject({ tool: 'git', ok: false, version: undefined, path: undefined })
  })
})

describe('scanToolchain()', () => {
  test('records one tool event per probe and passes when engines are met', async () => {
    const root = tempRepo({ 'package.json': { name: 'x', engines: { node: '>=18' } } })
    const result = await scanToolchain(root, [], GATE_DEFAULTS.toolchain)
    expect(result.events.map((e) => [e.role, (e.data as { tool: string }).tool])).toEqual([
      ['tool', 'node'],
      ['tool', 'npm'],
      ['tool', 'git'],
    ])
    expect(result.findings).toEqual([])
  })

  test('engines outside the installed versions are errors', async () => {
    const root = tempRepo({ 'package.json': { name: 'x', engines: { node: '<1', npm: '>=999' } } })
    const { findings } = await scanToolchain(root, [], GATE_DEFAULTS.toolchain)
    expect(findings.map((f) => f.rule)).toEqual(['engines-node', 'engines-npm'])
  })

  test('a required tool missing from PATH is an error; an optional one only a note (info event)', async () => {
    const bin = join(tempRepo({}), 'bin')
    mkdirSync(bin)
    // A PATH holding only node: npm and git are missing.
    writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`)
    chmodSync(join(bin, 'node'), 0o755)
    const original = process.env.PATH
    process.env.PATH = bin
    try {
      const { findings, events } = await scanToolchain(tempRepo({}), [], {
        ...GATE_DEFAULTS.toolchain,
        required: ['node', 'git'],
      })
      expect(findings.map((f) => `${f.rule} ${f.message.split(' ')[0]}`)).toEqual(['tool-missing git'])
      expect(events.map((e) => e.level)).toEqual(['info', 'info', 'error'])
      expect(events[1]?.message).toBe('npm not usable: npm not found on PATH (optional)')
    } finally {
      process.env.PATH = original
    }
  })
})

describe('scanToolchain() with stand-in tools', () => {
  test('a tool that prints no version is not usable; a missing required tool names the engines range', async () => {
    const bin = join(tempRepo({}), 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`)
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\necho "npm, no number here"\n')
    chmodSync(join(bin, 'node'), 0o755)
    chmodSync(join(bin, 'npm'), 0o755)
    const root = tempRepo({ 'package.json': { name: 'x', engines: { git: '>=2.30' } } })
    const original = process.env.PATH
    process.env.PATH = bin
    try {
      const { findings, events } = await scanToolchain(root, [], GATE_DEFAULTS.toolchain)
      expect(events.map((e) => [e.level, e.message.split(':')[0]])).toEqual([
        ['info', `node ${process.version.slice(1)} (${join(bin, 'node')})`],
        ['error', 'npm not usable'],
        ['error', 'git not usable'],
      ])
      expect(events[1]?.message).toBe('npm not usable: no version')
      expect(findings.map((f) => [f.rule, f.message])).toEqual([
        ['tool-missing', 'npm is required but `npm --version` failed: no version printed'],
        ['tool-missing', expect.stringMatching(/^git is required but `git --version` failed: /)],
      ])
      expect(findings[1]?.remediation).toBe(
        'install git (`apt-get install git`, `brew install git`) (a version within ">=2.30"), or drop it from gates.toolchain.required',
      )
    } finally {
      process.env.PATH = original
    }
  })
})

describe('whichSync()', () => {
  test('skips empty PATH entries; no PATH at all finds nothing', () => {
    const dir = tempRepo({ tool: '' })
    expect(whichSync('tool', { PATH: `::${dir}` })).toBe(join(dir, 'tool'))
    expect(whichSync('node', {})).toBeUndefined()
  })
})

describe('toolchainInputs()', () => {
  test('without PATH every tool is missing', () => {
    expect(toolchainInputs({})).toEqual({
      PATH: '',
      running_node: process.version,
      node: 'missing',
      npm: 'missing',
      git: 'missing',
    })
  })

  test("the gate's cache key is package.json plus the resolved binaries", () => {
    expect(toolchainGate.cacheInputs?.('/repo', [], GATE_DEFAULTS.toolchain)).toEqual({
      contents: ['package.json', '.python-version', '.tool-versions', '.nvmrc'],
      extra: toolchainInputs(),
    })
  })

  test('keys the cache on the resolved binaries without running them; PATH changes change it', () => {
    const a = toolchainInputs(process.env)
    expect(toolchainInputs(process.env)).toEqual(a)
    expect(a.node).toMatch(/:\d+:[\d.]+$/)
    expect(toolchainInputs({ PATH: '/nonexistent' })).toMatchObject({ node: 'missing', npm: 'missing', git: 'missing' })
  })
})

/** A PATH holding only these stand-in tools: each prints `out` (to stderr with `err`) and exits with `code`. */
function standIns(tools: Record<string, { out?: string; err?: string; code?: number }>): string {
  const bin = join(tempRepo({}), 'bin')
  mkdirSync(bin)
  for (const [name, t] of Object.entries(tools)) {
    const out = t.out ? `printf '%s\\n' '${t.out.replaceAll("'", "'\\''")}'\n` : ''
    const err = t.err ? `printf '%s\\n' '${t.err.replaceAll("'", "'\\''")}' >&2\n` : ''
    writeFileSync(join(bin, name), `#!/bin/sh\n${out}${err}exit ${t.code ?? 0}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  return bin
}

async function scanWithPath(bin: string, config: Partial<typeof GATE_DEFAULTS.toolchain>) {
  const original = process.env.PATH
  process.env.PATH = bin
  try {
    return await scanToolchain(tempRepo({}), [], { ...GATE_DEFAULTS.toolchain, ...config })
  } finally {
    process.env.PATH = original
  }
}

describe('scanToolchain() with probes from config', () => {
  const nvcc = [
    'nvcc: NVIDIA (R) Cuda compiler driver',
    'Cuda compilation tools, release 12.4, V12.4.131',
    'Build cuda_12.4.r12.4/compiler.34097967_0',
  ].join('\n')

  test('each probe is a tool event; required misses and out-of-range versions are errors, optional ones notes and warnings', async () => {
    const bin = standIns({
      python3: { out: 'Python 3.9.18' },
      uv: { out: 'uv 0.4.18 (7b55e9790 2024-10-01)' },
      nvcc: { out: nvcc },
      'nvidia-smi': {
        out: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
        code: 9,
      },
      gcc: { out: 'gcc (Debian 12.2.0-14+deb12u1) 12.2.0\nCopyright (C) 2022 Free Software Foundation, Inc.' },
      protoc: { out: 'libprotoc 25.1' },
    })
    const { findings, events } = await scanWithPath(bin, {
      required: [],
      tools: {
        python: '>=3.10',
        uv: '*',
        nvcc: '>=12',
        'nvidia-smi': { required: false },
        cmake: { range: '>=3.20' },
        gcc: { range: '>=13', required: false },
        protoc: { command: ['protoc', '--version'], version_pattern: 'libprotoc (\\d+\\.\\d+)', range: '>=25' },
      },
    })
    expect(events.map((e) => [e.level, e.message])).toEqual([
      ['info', 'node not usable: node not found on PATH (optional)'],
      ['info', 'npm not usable: npm not found on PATH (optional)'],
      ['info', 'git not usable: git not found on PATH (optional)'],
      ['error', `python 3.9.18 (${join(bin, 'python3')}) is outside ">=3.10"`],
      ['info', `uv 0.4.18 (${join(bin, 'uv')})`],
      ['info', `nvcc 12.4.131 (${join(bin, 'nvcc')}) within ">=12"`],
      ['info', 'nvidia-smi not usable: exit 9 (optional)'],
      ['error', 'cmake not usable: cmake not found on PATH'],
      ['warn', `gcc 12.2.0 (${join(bin, 'gcc')}) is outside ">=13"`],
      ['info', `protoc 25.1 (${join(bin, 'protoc')}) within ">=25"`],
    ])
    expect(events.every((e) => e.role === 'tool')).toBe(true)
    expect(events[3]?.data).toMatchObject({
      tool: 'python',
      command: 'python3 --version',
      required: true,
      range: '>=3.10',
    })
    expect(findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      [
        'tool-version',
        'error',
        `python 3.9.18 (${join(bin, 'python3')}) is outside gates.toolchain.tools.python ">=3.10"`,
      ],
      ['tool-missing', 'error', 'cmake is required but `cmake --version` failed: cmake not found on PATH'],
      ['tool-version', 'warn', `gcc 12.2.0 (${join(bin, 'gcc')}) is outside gates.toolchain.tools.gcc ">=13"`],
    ])
    expect(findings[1]?.remediation).toBe(
      'install CMake (`apt-get install cmake`, `brew install cmake` or `pip install cmake`) (a version within ">=3.20"), or drop it from gates.toolchain.tools.cmake (or set "required": false)',
    )
  })

  test('the list form, PEP 440 ranges, `python` falling back to `python`, and the old required names together', async () => {
    const bin = standIns({
      node: { out: 'v20.19.1' },
      npm: { out: '10.8.2' },
      git: { out: 'git version 2.39.5' },
      python: { out: 'Python 3.12.1' },
      pip: { out: 'pip 24.0 from /usr/lib/python3/dist-packages/pip (python 3.12)' },
    })
    const { findings, events } = await scanWithPath(bin, {
      required: ['node', 'npm', 'git', 'pip'],
      tools: [
        { name: 'node', range: '>=20.19' },
        { name: 'python', range: '>=3.10,<3.13' },
        { name: 'pip', range: '~=23.0', required: false },
      ],
    })
    expect(events.map((e) => e.message.split(' (')[0])).toEqual([
      'node 20.19.1',
      'npm 10.8.2',
      'git 2.39.5',
      'pip 24.0',
      'python 3.12.1',
    ])
    // pip: the tools entry overrides `required`, so its miss of ~=23.0 is a warning.
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['tool-version', 'warn']])
  })

  test('a broken range or pattern in the config is a user error naming the setting', async () => {
    await expect(scanWithPath(standIns({}), { tools: { python: '>=3.1O' } })).rejects.toThrow(
      /gates\.toolchain\.tools\.python: range ">=3\.1O" is neither a semver range nor a PEP 440 specifier/,
    )
    await expect(scanWithPath(standIns({}), { tools: [{ name: 'x', version_pattern: '(' }] })).rejects.toThrow(
      /gates\.toolchain\.tools\[0\]\.version_pattern is not a valid regular expression/,
    )
  })

  test('the cache key follows every probed binary', () => {
    const bin = standIns({ uv: { out: 'uv 0.4.18' } })
    const specs = probeSpecs({ required: [], tools: { uv: '*' } })
    const key = toolchainInputs({ PATH: bin }, specs)
    expect(key.uv).toMatch(new RegExp(`^${join(bin, 'uv')}:\\d+:`))
    expect(toolchainInputs({ PATH: bin, PYENV_VERSION: '3.12.1' }, specs)).toMatchObject({ PYENV_VERSION: '3.12.1' })
  })
})

describe('probeTool() on the real machine', () => {
  test.skipIf(!whichSync('python3'))('reads the same Python version the interpreter reports', async () => {
    const { execFileSync } = await import('node:child_process')
    const real = execFileSync('python3', ['-c', 'import platform; print(platform.python_version())'], {
      encoding: 'utf8',
    }).trim()
    expect(await probeTool('python')).toMatchObject({ ok: true, version: real, command: 'python3 --version' })
  })

  test.skipIf(!whichSync('nvcc'))('reads nvcc’s full release number', async () => {
    const probe = await probeTool('nvcc')
    expect(probe.version).toMatch(/^\d+\.\d+\.\d+$/)
  })
})

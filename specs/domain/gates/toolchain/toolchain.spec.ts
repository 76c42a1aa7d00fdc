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

  test('a required tool missing from PATH is an error; an optional one only a warn event', async () => {
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
      expect(events.map((e) => e.level)).toEqual(['info', 'warn', 'error'])
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
        'install git and put it on PATH (a version within ">=2.30"), or drop it from gates.toolchain.required',
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
      contents: ['package.json'],
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

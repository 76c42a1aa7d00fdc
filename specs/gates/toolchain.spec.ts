import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../src/gates/gates-config.ts'
import { probeTool, scanToolchain, toolchainInputs, whichSync } from '../../src/gates/toolchain.ts'
import { tempRepo } from './_temp-repo.ts'

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

describe('toolchainInputs()', () => {
  test('keys the cache on the resolved binaries without running them; PATH changes change it', () => {
    const a = toolchainInputs(process.env)
    expect(toolchainInputs(process.env)).toEqual(a)
    expect(a.node).toMatch(/:\d+:[\d.]+$/)
    expect(toolchainInputs({ PATH: '/nonexistent' })).toMatchObject({ node: 'missing', npm: 'missing', git: 'missing' })
  })
})

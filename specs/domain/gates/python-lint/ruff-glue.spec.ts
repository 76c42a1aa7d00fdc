import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  instantiateRuffGlue,
  requireRuff,
  ruffWasmPath,
  webAssembly,
} from '../../../../src/domain/gates/python-lint/ruff-glue.ts'
import { compileRuff, workspaceFor, workspaceStats } from '../../../../src/domain/gates/python-lint/ruff-wasm.ts'
import { warmUpRuff } from '../../../../src/domain/gates/python-lint/warm-up-ruff.ts'

/** Lines a generated module is made of: clean ones, violations of several families, a syntax error. */
const LINES = [
  'import os',
  'import sys, json',
  'from typing import List',
  'x = 1',
  'y = {  "a":1 }',
  'if x == None: pass',
  'def f(a, b=[]):',
  '    return a',
  'class C(object): pass',
  'l = 1',
  'print(f"{x!r}")',
  'try:\n    pass\nexcept:\n    pass',
  'def (:',
  '"""Docstring."""',
  '',
]

const OPTIONS = { 'line-length': 100, lint: { select: ['E', 'F', 'W', 'I', 'B', 'UP'] } }

describe('compileRuff()', () => {
  test('the module compiled asynchronously is the one the Workspaces use; the warm-up builds the default Workspace', async () => {
    await warmUpRuff()
    expect(workspaceStats.ahead).toBe(true)
    expect(workspaceStats.compileMs).toBeGreaterThan(0)
    expect(workspaceStats.built).toBe(1)
    await compileRuff() // once: a second call is the same compile
    workspaceFor({})
    expect(workspaceStats.built).toBe(1)
    expect(
      workspaceFor({})
        .check('import os\n')
        .map((d) => d.code),
    ).toEqual(['F401'])
  })
})

describe('instantiateRuffGlue()', () => {
  test('the glue run with a module compiled ahead checks and formats exactly as the package as it ships', () => {
    const ahead = instantiateRuffGlue(new webAssembly.Module(readFileSync(ruffWasmPath())))
    if (!ahead) throw new Error('the glue of @astral-sh/ruff-wasm-nodejs 0.17.3 was not recognised')
    const shipped = requireRuff()
    expect(ahead.Workspace.version()).toBe(shipped.Workspace.version())
    const mine = new ahead.Workspace(OPTIONS, ahead.PositionEncoding.Utf16) as never as Checker
    const theirs = new shipped.Workspace(OPTIONS, shipped.PositionEncoding.Utf16) as never as Checker
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 12 }), (lines) => {
        const text = `${lines.join('\n')}\n`
        expect(mine.check(text)).toEqual(theirs.check(text))
        expect(attempt(() => mine.format(text))).toEqual(attempt(() => theirs.format(text)))
      }),
      { numRuns: 60 },
    )
  })
})

// --- internal ---

interface Checker {
  check(text: string): unknown[]
  format(text: string): string
}

function attempt(run: () => string): { ok: string } | { error: string } {
  try {
    return { ok: run() }
  } catch (error) {
    return { error: String(error) }
  }
}

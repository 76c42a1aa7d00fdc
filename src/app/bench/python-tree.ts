import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Prng } from '../../foundation/random/prng.ts'

/** What `writePythonTree` planted, to check the linters see it. */
export interface PythonTree {
  files: string[]
  lines: number
  planted: Record<string, number>
}

/** The tree's pyproject.toml: ruff and pyright settings as an ML repository would have them. */
export const TREE_PYPROJECT = `[project]
name = "benchpkg"
requires-python = ">=3.10"

[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP"]

[tool.ruff.lint.per-file-ignores]
"tests/*" = ["B"]

[tool.pyright]
pythonVersion = "3.10"
`

/**
 * A seeded Python source tree of `count` files: packages of ~40 modules each (dataclasses,
 * classes with typed methods, functions, imports of earlier modules of the same package) and
 * tests; about one file in five to ten carries a planted lint violation or a type error.
 */
export function writePythonTree(dir: string, count: number, seed = 20261207): PythonTree {
  const rng = Prng.fromSeed(seed)
  const planted: Record<string, number> = {}
  const plant = (kind: string, p: number) => {
    const hit = rng.nextFloat() < p
    if (hit) planted[kind] = (planted[kind] ?? 0) + 1
    return hit
  }
  const files: string[] = []
  let lines = 0
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
    files.push(path)
    lines += text.split('\n').length - 1
  }
  write('pyproject.toml', TREE_PYPROJECT)
  files.pop() // not a Python file
  for (let i = 0; files.length < count; i++) {
    const pkg = `pkg${String(Math.floor(i / 40)).padStart(2, '0')}`
    const index = i % 40
    if (index === 0) {
      write(`${pkg}/__init__.py`, `"""Package ${pkg}."""\n`)
      if (files.length >= count) break
    }
    write(`${pkg}/mod_${index}.py`, module(pkg, index, rng, plant))
    if (index % 10 === 9 && files.length < count) write(`tests/test_${pkg}_${index}.py`, testModule(pkg, index, rng))
  }
  return { files: files.slice(0, count), lines, planted }
}

// --- internal ---

function module(pkg: string, i: number, rng: Prng, plant: (kind: string, p: number) => boolean): string {
  const modern = rng.nextFloat() < 0.5
  const list = modern ? 'list' : 'List'
  const dict = modern ? 'dict' : 'Dict'
  const optional = (t: string) => (modern ? `${t} | None` : `Optional[${t}]`)
  const out: string[] = [
    `"""${pkg}.mod_${i}: blocks, configs and training helpers."""`,
    '',
    'from __future__ import annotations',
    '',
  ]
  const stdlib = ['import json', 'import logging', 'import math', 'import os']
  if (plant('F401 unused import', 0.15)) stdlib.push('import re')
  if (plant('I001 unsorted imports', 0.1)) stdlib.reverse()
  out.push(...stdlib)
  out.push('from dataclasses import dataclass, field')
  out.push(modern ? 'from typing import Any' : 'from typing import Any, Dict, List, Optional')
  if (i > 1) out.push('', `from ${pkg}.mod_${i - 1} import Block${i - 1}, Config${i - 1}`)
  out.push('', 'logger = logging.getLogger(__name__)', '', `THRESHOLD_${i} = ${(rng.nextInt(900) + 100) / 100}`, '', '')
  out.push('@dataclass', `class Config${i}:`, `    """Settings of Block${i}."""`, '')
  out.push(
    `    hidden: int = ${32 * (1 + rng.nextInt(8))}`,
    `    layers: int = ${1 + rng.nextInt(12)}`,
    '    dropout: float = 0.1',
  )
  out.push(`    names: ${list}[str] = field(default_factory=list)`, '', '')
  out.push(`class Block${i}:`, `    """A block of ${pkg}."""`, '')
  out.push(`    def __init__(self, config: Config${i}) -> None:`, '        self.config = config')
  out.push(`        self.cache: ${dict}[str, float] = {}`, '')
  out.push(`    def forward(self, xs: ${list}[float], scale: float = 1.0) -> ${list}[float]:`)
  out.push('        out = []', '        for x in xs:', '            y = x * scale + self.config.dropout')
  out.push(
    `            if y > THRESHOLD_${i}:`,
    '                y = math.sqrt(y)',
    '            out.append(y)',
    '        return out',
    '',
  )
  out.push(`    def state(self) -> ${dict}[str, Any]:`)
  out.push('        return {"hidden": self.config.hidden, "cache": len(self.cache)}', '', '')
  const mutable = plant('B006 mutable default', 0.05)
  out.push(`def load_${i}(path: str, default: ${mutable ? 'dict = {}' : `${optional('dict')} = None`}) -> dict:`)
  out.push(`    """Reads a JSON file, or the default when it is missing."""`)
  const none = plant('E711 comparison to None', 0.05)
  out.push(`    if ${none ? 'default == None' : 'default is None'}:`, '        default = {}')
  out.push('    if not os.path.exists(path):', '        logger.warning("missing %s", path)', '        return default')
  out.push('    with open(path) as handle:', '        return json.load(handle)', '', '')
  out.push(`def train_${i}(steps: int, lr: float = 3e-4) -> float:`)
  out.push(`    """A toy loss curve of ${'`steps`'} steps."""`, '    loss = 1.0', '    for step in range(steps):')
  const trailing = plant('W291 trailing whitespace', 0.05) ? ' ' : ''
  out.push(`        loss = loss * (1 - lr) + 0.01 * math.sin(step)${trailing}`, '    return loss', '', '')
  for (let k = 0, n = 2 + rng.nextInt(5); k < n; k++) {
    out.push(`def helper_${i}_${k}(values: ${list}[float], weight: float = ${k}.5) -> float:`)
    out.push(
      '    total = 0.0',
      '    for v in values:',
      `        total += v * weight - ${k}`,
      '    return total / max(len(values), 1)',
      '',
      '',
    )
  }
  if (plant('E501 line too long', 0.1)) {
    out.push(
      `DESCRIPTION_${i} = "${'a long description of this module that nobody wrapped '.repeat(2).trim()}"`,
      '',
      '',
    )
  }
  out.push('def main() -> None:')
  out.push(`    block = Block${i}(Config${i}())`)
  if (i > 1) out.push(`    previous = Block${i - 1}(Config${i - 1}())`, '    logger.info("%s", previous.state())')
  // A type error pyright reports (reportArgumentType).
  out.push(
    plant('pyright: argument type', 0.1)
      ? `    print(train_${i}("ten"), block.state())`
      : `    print(train_${i}(10), block.state())`,
  )
  return `${out.join('\n')}\n`
}

function testModule(pkg: string, i: number, rng: Prng): string {
  const n = 2 + rng.nextInt(4)
  const out = [
    `"""Tests of ${pkg}.mod_${i}."""`,
    '',
    `from ${pkg}.mod_${i} import Block${i}, Config${i}, train_${i}`,
    '',
    '',
  ]
  for (let k = 0; k < n; k++) {
    out.push(`def test_forward_${k}() -> None:`, `    block = Block${i}(Config${i}(layers=${k + 1}))`)
    out.push(`    assert len(block.forward([1.0, 2.0, ${k}.0])) == 3`, '', '')
  }
  out.push('def test_train() -> None:', `    assert train_${i}(5) < 1.5`)
  return `${out.join('\n')}\n`
}

import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { formatSpecifierSet } from '../../../../src/domain/gates/python-deps/pep440-specifier.ts'
import { formatMarker } from '../../../../src/domain/gates/python-deps/pep508-marker.ts'
import { parsePyproject } from '../../../../src/domain/gates/python-deps/pyproject.ts'

const fixture = (path: string) =>
  readFileSync(new URL(`../../../../specs/fixtures/python/${path}`, import.meta.url), 'utf8')
const summary = (text: string) =>
  parsePyproject(text, 'pyproject.toml').dependencies.map(
    (d) =>
      `${d.line} ${d.section} ${d.name} ${d.direct ? d.direct.kind : d.alternatives.map(formatSpecifierSet).join('||')}`,
  )

describe('parsePyproject()', () => {
  test('PEP 621 dependencies and extras, PEP 735 groups, each with its line', () => {
    const project = parsePyproject(fixture('ml-repo/pyproject.toml'), 'pyproject.toml')
    expect(project.name).toBe('ml-repo')
    expect(project.poetry).toBe(false)
    expect(project.problems).toEqual([])
    expect(summary(fixture('ml-repo/pyproject.toml'))).toEqual([
      '7 project.dependencies torch >=2.1',
      '8 project.dependencies numpy <2,>=1.24',
      '9 project.dependencies tokenizers ==0.19.1',
      '10 project.dependencies safetensors >=0.4',
      '15 project.optional-dependencies.eval datasets <3,>=2.18',
      '16 project.optional-dependencies.eval evaluate ==0.4.2',
      '20 dependency-groups.dev pytest >=8',
    ])
    expect(project.dependencies.filter((d) => d.runtime).map((d) => d.name)).toEqual([
      'torch',
      'numpy',
      'tokenizers',
      'safetensors',
      'datasets',
      'evaluate',
    ])
  })

  test('Poetry tables: constraints converted, python skipped, git/markers/groups kept', () => {
    const project = parsePyproject(fixture('ml-repo-poetry/pyproject.toml'), 'pyproject.toml')
    expect(project.poetry).toBe(true)
    expect(project.name).toBe('ml-repo-poetry')
    expect(summary(fixture('ml-repo-poetry/pyproject.toml'))).toEqual([
      '9 tool.poetry.dependencies torch <3.0.0,>=2.1',
      '10 tool.poetry.dependencies numpy <1.27.0,>=1.26',
      '11 tool.poetry.dependencies transformers <5.0.0,>=4.40',
      '12 tool.poetry.dependencies accelerate <1.0,>=0.30',
      '13 tool.poetry.dependencies datatrove vcs',
      '14 tool.poetry.dependencies flash-attn ==2.5.8',
      '20 tool.poetry.group.dev.dependencies pytest <9.0.0,>=8.0',
      '21 tool.poetry.group.dev.dependencies ruff ',
    ])
    const flash = project.dependencies.find((d) => d.name === 'flash-attn')!
    expect(formatMarker(flash.marker!)).toBe('sys_platform == "linux"')
    expect(project.dependencies.find((d) => d.name === 'datatrove')!.direct).toMatchObject({ ref: undefined })
  })

  test('several constraints for one Poetry dependency each keep their own line', () => {
    const text = `[tool.poetry.dependencies]
numpy = [
  { version = "^1.26", python = "<3.12" },
  { version = "^2.0", python = ">=3.12" },
]
`
    expect(summary(text)).toEqual([
      '3 tool.poetry.dependencies numpy <2.0.0,>=1.26',
      '4 tool.poetry.dependencies numpy <3.0.0,>=2.0',
    ])
  })

  test('bad declarations, unknown include-groups, include cycles and bad kinds are problems with lines', () => {
    const text = `[project]
name = "x"
dependencies = ["torch>=", "numpy"]

[dependency-groups]
dev = ["pytest", {include-group = "lint"}, {include-group = "missing"}]
lint = ["ruff", {include-group = "Dev"}]

[tool.poetry.dependencies]
torch = "^^2"

[tool.codex-gates]
kind = "service"
`
    const project = parsePyproject(text, 'pyproject.toml')
    expect(project.problems.map((p) => `${p.line} ${p.message.split(':')[0]}`)).toEqual([
      '13 [tool.codex-gates] kind must be "application" or "library", not "service"',
      '3 project.dependencies',
      '6 dependency-groups.dev includes "missing", which is not a group',
      '7 dependency-groups include cycle',
      '10 tool.poetry.dependencies.torch',
    ])
    expect(project.dependencies.map((d) => d.name)).toEqual(['numpy', 'pytest', 'ruff'])
  })

  test('a TOML syntax error is one problem at its line, not a throw', () => {
    const project = parsePyproject('[project]\ndependencies = ["a",\nname = \n', 'sub/pyproject.toml')
    expect(project.problems).toHaveLength(1)
    expect(project.problems[0]!.message).toMatch(/^not valid TOML/)
    expect(project.dependencies).toEqual([])
  })

  test('[tool.codex-gates] kind is read', () => {
    expect(parsePyproject('[tool.codex-gates]\nkind = "application"\n', 'pyproject.toml').kind).toBe('application')
  })
})

import { tryParseToml } from '../../../foundation/config/parse-toml-file.ts'
import { ANY_VERSION, type DeclaredDependency, directReference, fromRequirement } from './declared-dependency.ts'
import { InvalidSpecifierError, parseSpecifierSet } from './pep440-specifier.ts'
import { canonicalizeName, parseMarker } from './pep508-marker.ts'
import { parseRequirement } from './pep508-requirement.ts'
import { Pep508SyntaxError } from './pep508-tokenizer.ts'
import { PoetryConstraintError, poetryToPep440 } from './poetry-constraint.ts'
import { type TomlPath, tomlPositions } from './toml-positions.ts'

/** The dependency declarations of one pyproject.toml. */
export interface Pyproject {
  path: string
  /** `[project] name` (or `[tool.poetry] name`), PEP 503-normalised. */
  name?: string
  dependencies: DeclaredDependency[]
  /** Has a `[tool.poetry]` table: poetry.lock pairs with it. */
  poetry: boolean
  /** `[tool.codex-gates] kind`, when set. */
  kind?: 'application' | 'library'
  problems: { line: number; message: string }[]
}

/**
 * Reads PEP 621 `[project] dependencies` and `optional-dependencies`, PEP 735 `[dependency-groups]`
 * (checking `include-group` targets and cycles), and Poetry's `[tool.poetry.dependencies]`,
 * `[tool.poetry.group.<g>.dependencies]` and legacy `dev-dependencies`, with Poetry constraints
 * turned into PEP 440. Every declaration keeps its line. A TOML syntax error is a problem, not a throw.
 */
export function parsePyproject(text: string, path: string): Pyproject {
  const result: Pyproject = { path, dependencies: [], poetry: false, problems: [] }
  const parsed = tryParseToml(text)
  if ('error' in parsed) {
    result.problems.push({ line: parsed.error.line, message: `not valid TOML: ${parsed.error.reason}` })
    return result
  }
  const doc = parsed.table
  const positions = tomlPositions(text)
  const lineOf = (p: TomlPath) => positions.line(p) ?? 1
  const problem = (p: TomlPath, message: string) => result.problems.push({ line: lineOf(p), message })

  const project = table(doc.project)
  const poetry = table(table(doc.tool).poetry)
  const name = str(project.name) ?? str(poetry.name)
  if (name) result.name = canonicalizeName(name)
  const kind = table(table(doc.tool)['codex-gates']).kind
  if (kind === 'application' || kind === 'library') result.kind = kind
  else if (kind !== undefined)
    problem(
      ['tool', 'codex-gates', 'kind'],
      `[tool.codex-gates] kind must be "application" or "library", not ${JSON.stringify(kind)}`,
    )

  const addPep508 = (list: unknown, at: TomlPath, section: string, group: string, runtime: boolean) => {
    if (list === undefined) return
    if (!Array.isArray(list)) return problem(at, `${section} must be an array of requirement strings`)
    list.forEach((item, i) => {
      if (typeof item !== 'string') {
        if (!(section.startsWith('dependency-groups') && table(item)['include-group'] !== undefined)) {
          problem([...at, i], `${section}[${i}] is not a requirement string`)
        }
        return
      }
      const line = lineOf([...at, i])
      try {
        result.dependencies.push(
          fromRequirement(parseRequirement(item), { file: path, line, section, group, runtime, text: item }),
        )
      } catch (error) {
        if (!(error instanceof Pep508SyntaxError || error instanceof InvalidSpecifierError)) throw error
        result.problems.push({ line, message: `${section}: "${item}" is not a PEP 508 requirement (${error.message})` })
      }
    })
  }

  addPep508(project.dependencies, ['project', 'dependencies'], 'project.dependencies', 'main', true)
  for (const [extra, list] of Object.entries(table(project['optional-dependencies']))) {
    addPep508(list, ['project', 'optional-dependencies', extra], `project.optional-dependencies.${extra}`, extra, true)
  }
  const groups = table(doc['dependency-groups'])
  for (const [group, list] of Object.entries(groups)) {
    addPep508(list, ['dependency-groups', group], `dependency-groups.${group}`, group, false)
  }
  checkGroupIncludes(groups, (p, m) => problem(p, m))

  if (Object.keys(poetry).length > 0) result.poetry = true
  const poetryTables: [TomlPath, string, string, boolean][] = [
    [['tool', 'poetry', 'dependencies'], 'tool.poetry.dependencies', 'main', true],
    [['tool', 'poetry', 'dev-dependencies'], 'tool.poetry.dev-dependencies', 'dev', false],
    ...Object.keys(table(poetry.group)).map((g): [TomlPath, string, string, boolean] => [
      ['tool', 'poetry', 'group', g, 'dependencies'],
      `tool.poetry.group.${g}.dependencies`,
      g,
      false,
    ]),
  ]
  for (const [at, section, group, runtime] of poetryTables) {
    const deps = table(dig(doc, at))
    for (const [rawName, value] of Object.entries(deps)) {
      if (rawName.toLowerCase() === 'python') continue // the interpreter range, not a package
      const entries = Array.isArray(value)
        ? value.map((v, i) => [v, [...at, rawName, i]] as const)
        : [[value, [...at, rawName]] as const]
      for (const [spec, specAt] of entries) {
        const where = { file: path, line: lineOf(specAt), section, group, runtime }
        const dep = poetryDependency(rawName, spec, where)
        if (typeof dep === 'string')
          result.problems.push({ line: where.line, message: `${section}.${rawName}: ${dep}` })
        else result.dependencies.push(dep)
      }
    }
  }
  return result
}

// --- internal ---

type Where = Pick<DeclaredDependency, 'file' | 'line' | 'section' | 'group' | 'runtime'>

/** One Poetry dependency value: `"^1.2"`, or `{ version, extras, markers, optional, git/rev/tag/branch, path, url }`. */
function poetryDependency(rawName: string, value: unknown, where: Where): DeclaredDependency | string {
  const spec = typeof value === 'string' ? { version: value } : table(value)
  const base: DeclaredDependency = {
    ...where,
    name: canonicalizeName(rawName),
    text: `${rawName} = ${typeof value === 'string' ? JSON.stringify(value) : inlineTable(spec)}`,
    alternatives: ANY_VERSION,
    extras: Array.isArray(spec.extras) ? spec.extras.filter((e): e is string => typeof e === 'string') : [],
  }
  if (typeof spec.markers === 'string') {
    try {
      base.marker = parseMarker(spec.markers)
    } catch (error) {
      if (!(error instanceof Pep508SyntaxError)) throw error
      return `markers "${spec.markers}" is not a PEP 508 marker`
    }
  }
  if (typeof spec.git === 'string') {
    const ref = str(spec.rev) ?? str(spec.tag) ?? str(spec.branch)
    return { ...base, direct: { kind: 'vcs', location: spec.git, ref: str(spec.branch) ? undefined : ref } }
  }
  if (typeof spec.path === 'string')
    return { ...base, direct: { kind: 'path', location: spec.path }, editable: spec.develop === true }
  if (typeof spec.url === 'string') return { ...base, direct: directReference(spec.url) }
  if (spec.version === undefined) return base
  if (typeof spec.version !== 'string') return 'version must be a string'
  try {
    return {
      ...base,
      written: spec.version,
      alternatives: poetryToPep440(spec.version).map((s) => parseSpecifierSet(s)),
    }
  } catch (error) {
    if (error instanceof PoetryConstraintError || error instanceof InvalidSpecifierError) return error.message
    throw error
  }
}

/** PEP 735: every `{include-group = "x"}` names a group, and includes do not loop. */
function checkGroupIncludes(groups: Record<string, unknown>, problem: (at: TomlPath, message: string) => void): void {
  const normal = new Map(Object.keys(groups).map((g) => [canonicalizeName(g), g]))
  const includes = (group: string) =>
    (Array.isArray(groups[group]) ? (groups[group] as unknown[]) : []).flatMap((item, i) => {
      const target = table(item)['include-group']
      return typeof target === 'string' ? [{ target, i }] : []
    })
  for (const group of Object.keys(groups)) {
    for (const { target, i } of includes(group)) {
      if (!normal.has(canonicalizeName(target)))
        problem(
          ['dependency-groups', group, i],
          `dependency-groups.${group} includes "${target}", which is not a group`,
        )
    }
  }
  const done = new Set<string>()
  const visit = (group: string, stack: string[]) => {
    if (done.has(group)) return
    for (const { target, i } of includes(group)) {
      const next = normal.get(canonicalizeName(target))
      if (!next) continue
      if (stack.includes(next)) {
        problem(['dependency-groups', group, i], `dependency-groups include cycle: ${[...stack, next].join(' → ')}`)
        continue
      }
      visit(next, [...stack, next])
    }
    done.add(group)
  }
  for (const group of Object.keys(groups)) visit(group, [group])
}

function table(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function dig(doc: Record<string, unknown>, path: TomlPath): unknown {
  let node: unknown = doc
  for (const key of path) node = table(node)[key]
  return node
}

function inlineTable(spec: Record<string, unknown>): string {
  return `{ ${Object.entries(spec)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ')} }`
}

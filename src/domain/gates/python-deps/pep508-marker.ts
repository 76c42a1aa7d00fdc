import { parseSpecifier, setContains } from './pep440-specifier.ts'
import { PyTokenizer } from './pep508-tokenizer.ts'

/**
 * PEP 508 environment markers (`python_version >= "3.10" and sys_platform == "linux"`), parsed,
 * printed and evaluated as `packaging.markers.Marker` (26.x) does.
 */
export type MarkerOperand = { variable: string } | { value: string }
export interface MarkerComparison {
  left: MarkerOperand
  op: string
  right: MarkerOperand
}
/** packaging's marker list: comparisons and nested lists joined by 'and' / 'or'. */
export type MarkerList = (MarkerComparison | MarkerList | 'and' | 'or')[]

/** Marker environment: the keys of `packaging.markers.default_environment()`, plus `extra`, `extras`, `dependency_groups`. */
export type MarkerEnvironment = Record<string, string | readonly string[]>

/** Raised where packaging's evaluation raises (an unknown environment key, `~=` on non-versions). */
export class MarkerEvaluationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MarkerEvaluationError'
  }
}

/** Parses a whole marker expression (`Marker(text)`). Throws Pep508SyntaxError. */
export function parseMarker(text: string): MarkerList {
  const t = new PyTokenizer(text)
  const markers = parseMarkerTokens(t)
  t.expect('END', 'end of marker expression')
  return normalizeExtraValues(markers)
}

/** The marker expression the tokenizer stands at (PEP 508 requirements call this after `;`). */
export function parseMarkerTokens(t: PyTokenizer): MarkerList {
  const expression: MarkerList = [parseAtom(t)]
  while (t.check('BOOLOP')) expression.push(t.read() as 'and' | 'or', parseAtom(t))
  return expression
}

/**
 * packaging normalises `extra == "Foo_Bar"` to `"foo-bar"` on the top level of the list only, not
 * inside parentheses (so `(extra == "Foo_Bar")` never matches); kept for exact agreement.
 */
export function normalizeExtraValues(markers: MarkerList): MarkerList {
  return markers.map((m) => {
    if (typeof m === 'string' || Array.isArray(m)) return m
    if ('variable' in m.left && m.left.variable === 'extra' && 'value' in m.right) {
      return { ...m, right: { value: canonicalizeName(m.right.value) } }
    }
    if ('variable' in m.right && m.right.variable === 'extra' && 'value' in m.left) {
      return { ...m, left: { value: canonicalizeName(m.left.value) } }
    }
    return m
  })
}

/** `str(Marker)`: `python_version >= "3.10" and (os_name == "nt" or extra == "gpu")`. */
export function formatMarker(marker: MarkerList | MarkerComparison, first = true): string {
  if (Array.isArray(marker)) {
    if (marker.length === 1 && typeof marker[0] !== 'string') return formatMarker(marker[0]!)
    const inner = marker.map((m) => (typeof m === 'string' ? m : formatMarker(m, false))).join(' ')
    return first ? inner : `(${inner})`
  }
  return [operand(marker.left), marker.op, operand(marker.right)].join(' ')
}

/**
 * `Marker.evaluate(environment)`: `environment` must hold every key the marker names (no defaults
 * are taken from this process, which is not Python). `extra` is compared PEP 685-normalised.
 * Throws MarkerEvaluationError where packaging raises.
 */
export function evaluateMarker(marker: MarkerList, environment: MarkerEnvironment): boolean {
  const env: MarkerEnvironment = { ...environment }
  if (typeof env.extra === 'string') env.extra = env.extra ? canonicalizeName(env.extra) : ''
  const full = env.python_full_version
  if (typeof full === 'string' && full.endsWith('+')) env.python_full_version = `${full}local`
  return evaluateList(marker, env)
}

/**
 * Three-valued evaluation for an environment that is only partly known: true or false where the
 * known keys decide, undefined where the answer depends on a missing key.
 */
export function evaluateMarkerPartly(marker: MarkerList, environment: MarkerEnvironment): boolean | undefined {
  const groups: (boolean | undefined)[][] = [[]]
  for (const m of marker) {
    if (m === 'or') groups.push([])
    else if (m === 'and') continue
    else if (Array.isArray(m)) groups.at(-1)!.push(evaluateMarkerPartly(m, environment))
    else {
      try {
        groups.at(-1)!.push(evaluateMarker([m], environment))
      } catch (error) {
        if (!(error instanceof MarkerEvaluationError)) throw error
        groups.at(-1)!.push(undefined)
      }
    }
  }
  const all = (items: (boolean | undefined)[]) =>
    items.includes(false) ? false : items.includes(undefined) ? undefined : true
  const values = groups.map(all)
  return values.includes(true) ? true : values.includes(undefined) ? undefined : false
}

/** PEP 503 name normalisation (`canonicalize_name`): `Flash_Attn` → `flash-attn`, `ruamel.yaml` → `ruamel-yaml`. */
export function canonicalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

// --- internal ---

const MARKERS_ALLOWING_SET = new Set(['extras', 'dependency_groups'])
const MARKERS_REQUIRING_VERSION = new Set([
  'implementation_version',
  'platform_release',
  'python_full_version',
  'python_version',
])

function operand(o: MarkerOperand): string {
  return 'variable' in o ? o.variable : `"${o.value}"`
}

function parseAtom(t: PyTokenizer): MarkerList | MarkerComparison {
  t.consume('WS')
  let marker: MarkerList | MarkerComparison
  if (t.check('LEFT_PARENTHESIS', true)) {
    marker = t.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'marker expression', () => {
      t.consume('WS')
      const inner = parseMarkerTokens(t)
      t.consume('WS')
      return inner
    })
  } else {
    marker = parseItem(t)
  }
  t.consume('WS')
  return marker
}

function parseItem(t: PyTokenizer): MarkerComparison {
  t.consume('WS')
  const left = parseVar(t)
  t.consume('WS')
  const op = parseOp(t)
  t.consume('WS')
  const right = parseVar(t)
  t.consume('WS')
  return { left, op, right }
}

function parseVar(t: PyTokenizer): MarkerOperand {
  if (t.check('VARIABLE')) {
    const name = t.read().replace('.', '_')
    return { variable: name === 'python_implementation' ? 'platform_python_implementation' : name }
  }
  if (t.check('QUOTED_STRING')) return { value: pythonStringLiteral(t.read(), t) }
  return t.fail('Expected a marker variable or quoted string')
}

function parseOp(t: PyTokenizer): string {
  if (t.check('IN')) {
    t.read()
    return 'in'
  }
  if (t.check('NOT')) {
    t.read()
    t.expect('WS', "whitespace after 'not'")
    t.expect('IN', "'in' after 'not'")
    return 'not in'
  }
  if (t.check('OP')) return t.read()
  return t.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in')
}

// ast.literal_eval of a quoted string without its own quotes inside: the escapes are Python's.
function pythonStringLiteral(quoted: string, t: PyTokenizer): string {
  const body = quoted.slice(1, -1)
  if (body.endsWith('\\') && !/(?:^|[^\\])(?:\\\\)*$/.test(body)) return t.fail('Unterminated string literal')
  const simple: Record<string, string> = {
    '\n': '',
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
  }
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (all, esc: string) => {
    if (esc in simple) return simple[esc]!
    if (/^[xuU]/.test(esc) && esc.length > 1) return String.fromCodePoint(Number.parseInt(esc.slice(1), 16))
    if (/^[0-7]/.test(esc)) return String.fromCodePoint(Number.parseInt(esc, 8))
    return all // Python keeps unknown escapes as written
  })
}

function evaluateList(markers: MarkerList, env: MarkerEnvironment): boolean {
  const groups: boolean[][] = [[]]
  for (const m of markers) {
    if (Array.isArray(m)) groups.at(-1)!.push(evaluateList(m, env))
    else if (m === 'or') groups.push([])
    else if (m !== 'and') groups.at(-1)!.push(evaluateComparison(m, env))
  }
  return groups.some((g) => g.every(Boolean))
}

function evaluateComparison(m: MarkerComparison, env: MarkerEnvironment): boolean {
  // As packaging: the left operand decides which side is the environment key, even for two values.
  let key: string
  let lhs: string | readonly string[]
  let rhs: string | readonly string[]
  if ('variable' in m.left) {
    key = m.left.variable
    lhs = lookup(env, key)
    rhs = operandText(m.right)
  } else {
    lhs = m.left.value
    key = operandText(m.right)
    rhs = lookup(env, key)
  }
  if (typeof lhs !== 'string') throw new MarkerEvaluationError(`${key} must be a string on the left of ${m.op}`)
  if (MARKERS_ALLOWING_SET.has(key)) {
    lhs = canonicalizeName(lhs)
    rhs = typeof rhs === 'string' ? canonicalizeName(rhs) : rhs.map(canonicalizeName)
  }
  if (MARKERS_REQUIRING_VERSION.has(key) && typeof rhs === 'string') {
    let spec: ReturnType<typeof parseSpecifier> | undefined
    try {
      spec = parseSpecifier(`${m.op}${rhs}`)
    } catch {
      spec = undefined
    }
    if (spec) return setContains({ specifiers: [spec] }, lhs, { prereleases: true })
  }
  switch (m.op) {
    case 'in':
      return rhs.includes(lhs)
    case 'not in':
      return !rhs.includes(lhs)
    case '<':
    case '>':
      return false
    case '<=':
    case '==':
    case '>=':
      return typeof rhs === 'string' && lhs === rhs
    case '!=':
      return !(typeof rhs === 'string' && lhs === rhs)
    default:
      throw new MarkerEvaluationError(`Undefined ${m.op} on '${lhs}' and '${String(rhs)}'`)
  }
}

function operandText(o: MarkerOperand): string {
  return 'variable' in o ? o.variable : o.value
}

function lookup(env: MarkerEnvironment, key: string): string | readonly string[] {
  const value = Object.hasOwn(env, key) ? env[key] : undefined
  if (value === undefined) throw new MarkerEvaluationError(`'${key}' is not in the marker environment`)
  return value
}

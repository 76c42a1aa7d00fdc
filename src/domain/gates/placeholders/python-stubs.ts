import { bodyWithoutDocstring, isDocstring, type PyNode, readPythonBlocks, walkPython } from './python-blocks.ts'

/**
 * Put this comment on a line (or on its `def` line) to say a `pass`/`...` body or a
 * `raise NotImplementedError` there is intended: `def on_step(self): pass  # codex-gates: allow-placeholder`.
 */
export const ALLOW_PLACEHOLDER = 'codex-gates: allow-placeholder'

/** A stub found in Python source: 1-based physical line and kind. */
export interface PythonStub {
  line: number
  kind: 'stub body' | 'not implemented'
}

/**
 * Stub bodies (`pass`/`...` as a whole function body) and `raise NotImplementedError` that stand
 * for missing work, leaving out what is such by design:
 * - `.pyi` stub files, `@abstractmethod`/`@overload` functions, members of classes deriving from
 *   `Protocol`, `ABC` or `metaclass=ABCMeta`, and overrides of those members in same-file subclasses;
 * - methods of a class that other classes in the file derive from (the pre-`abc` idiom of a base
 *   method that raises `NotImplementedError`);
 * - guards: a raise with a message on a branch or after other statements, unless the message
 *   itself says the work is pending (`yet`, `for now`, `currently`, a to-do, only "not implemented"); a bare
 *   raise as the `else`/`case _` default of a dispatch;
 * - no-op objects and hooks named so (`noop`, `dummy_*`, `Mock*`, `Fake*`, `Null*`, `Stub*`);
 * - anything inside strings and docstrings, and lines carrying {@link ALLOW_PLACEHOLDER}.
 */
export function findPythonStubs(text: string, options: { stubFile?: boolean } = {}): PythonStub[] {
  if (options.stubFile) return []
  const module = readPythonBlocks(text)
  const physical = text.split('\n')
  const allowed = (from: number, to: number) => {
    for (let i = from; i <= to; i++) if (physical[i]?.includes(ALLOW_PLACEHOLDER)) return true
    return false
  }
  const classes = classIndex(module)
  const out: PythonStub[] = []
  for (const node of walkPython(module)) {
    if (node.kind === 'def') {
      if (isStubBody(node, classes, physical) && !allowed(node.line.first, lastLine(node))) {
        out.push({ line: node.line.first + 1, kind: 'stub body' })
      }
    } else if (node.kind === 'stmt' && RAISE_NOT_IMPLEMENTED.test(node.line.code)) {
      const def = enclosing(node, 'def')
      if (allowed(node.line.first, node.line.last) || (def && allowed(def.line.first, def.line.last))) continue
      if (isPlaceholderRaise(node, def, classes)) out.push({ line: node.line.first + 1, kind: 'not implemented' })
    }
  }
  return out.sort((a, b) => a.line - b.line)
}

/** True when a `NotImplementedError` message says the work is still to do. */
export function isPendingMessage(message: string): boolean {
  const m = message.trim()
  return m === '' || PENDING.test(m) || /^\W*(?:still\s+)?not\s+(?:yet\s+)?implemented\W*$/i.test(m)
}

// --- internal ---

const RAISE_NOT_IMPLEMENTED = /^raise\s+(?:\w+\.)*NotImplementedError\b/
const PENDING =
  /\b(?:yet|for now|for the time being|currently|at this time|at the moment|todo|tbd|fixme|wip|work in progress|coming soon|unimplemented|to be implemented)\b/i
const ABSTRACT_DECORATOR =
  /^(?:abc\.)?(?:abstractmethod|abstractproperty|abstractclassmethod|abstractstaticmethod)\b|^(?:typing\.)?overload\b/
const INTERFACE_BASE = /(?:^|[\s,.(=])(?:Protocol|ABC|ABCMeta)\b/
// Spelled with a character class so this file does not count as holding markers.
const MARKER_WORD = /\b(?:T[O]DO|F[I]XME|X[X]X|H[A]CK)\b/
/** Words that name an intentional no-op: `noop`, `dummy_fixture`, `MockClient`, `NullLogger`. */
const NOOP_WORDS = new Set(['noop', 'nop', 'dummy', 'mock', 'fake', 'stub', 'null'])

interface ClassInfo {
  node: PyNode
  bases: string[]
  methods: Set<string>
}

/** Classes by name, with their base names and method names; later definitions win. */
function classIndex(module: PyNode): Map<string, ClassInfo> {
  const classes = new Map<string, ClassInfo>()
  for (const node of walkPython(module)) {
    if (node.kind !== 'class' || !node.name) continue
    const bases = (node.bases ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '' && !b.includes('='))
      .map((b) => b.replace(/\[.*$/, '').split('.').pop() as string)
    const methods = new Set(node.body.filter((c) => c.kind === 'def' && c.name).map((c) => c.name as string))
    classes.set(node.name, { node, bases, methods })
  }
  return classes
}

function isStubBody(def: PyNode, classes: Map<string, ClassInfo>, physical: readonly string[]): boolean {
  // A docstring or a comment with `pass` documents an intended no-op; a bare `pass`/`...` is a stub.
  if (def.body.length !== 1 || isDocstring(def.body[0] as PyNode)) return false
  const only = def.body[0] as PyNode
  if (only.line.code !== 'pass' && only.line.code !== '...') return false
  if (explainedByComment(physical, def.line.last, only.line.last)) return false
  return !byDesign(def, classes) && !noopNamed(def)
}

/** A comment in the body lines (not a marker word: a to-do explains nothing) says why it is empty. */
function explainedByComment(physical: readonly string[], from: number, to: number): boolean {
  for (let i = from; i <= to; i++) {
    const line = physical[i] ?? ''
    const hash = i === from ? line.lastIndexOf('#') : line.indexOf('#')
    if (hash === -1) continue
    const comment = line.slice(hash + 1)
    if (comment.trim() !== '' && !MARKER_WORD.test(comment) && !comment.includes(ALLOW_PLACEHOLDER)) return true
  }
  return false
}

function isPlaceholderRaise(raise: PyNode, def: PyNode | undefined, classes: Map<string, ClassInfo>): boolean {
  if (def && byDesign(def, classes)) return false
  const message = raiseMessage(raise)
  if (message !== undefined && isPendingMessage(message)) return true
  const block = raise.parent as PyNode
  if (block.kind === 'def') {
    const body = bodyWithoutDocstring(block)
    const whole = body[0] === raise
    if (message !== undefined) return false // an explained refusal or a guard after real work
    if (whole && isBaseClassMethod(block, classes)) return false
    return true
  }
  if (isDispatchDefault(block)) return false
  return message === undefined
}

/** Abstract by decorator, a member of an interface class, or an override of one. */
function byDesign(def: PyNode, classes: Map<string, ClassInfo>): boolean {
  if (hasAbstractDecorator(def)) return true
  const cls = def.parent?.kind === 'class' ? def.parent : undefined
  if (!cls) return false
  if (INTERFACE_BASE.test(cls.bases ?? '')) return true
  // An override of a member declared by a same-file interface ancestor: a deliberate no-op.
  const seen = new Set<string>()
  const stack = [...(classes.get(cls.name ?? '')?.bases ?? [])]
  while (stack.length > 0) {
    const name = stack.pop() as string
    if (seen.has(name)) continue
    seen.add(name)
    const info = classes.get(name)
    if (!info) continue
    if (INTERFACE_BASE.test(info.node.bases ?? '') && info.methods.has(def.name ?? '')) return true
    stack.push(...info.bases)
  }
  return false
}

function hasAbstractDecorator(def: PyNode): boolean {
  return def.decorators.some((d) => ABSTRACT_DECORATOR.test(d))
}

/** A method of a class that another class in the same file derives from. */
function isBaseClassMethod(def: PyNode, classes: Map<string, ClassInfo>): boolean {
  const cls = def.parent?.kind === 'class' ? def.parent : undefined
  if (!cls?.name) return false
  for (const info of classes.values()) if (info.bases.includes(cls.name)) return true
  return false
}

/** `else:` after an `elif`, or `case _:`: the default branch of a dispatch. */
function isDispatchDefault(block: PyNode): boolean {
  if (block.kind === 'case') return /^case\s+_\s*:/.test(block.line.code)
  if (block.kind !== 'else' || !block.parent) return false
  const siblings = block.parent.body
  const previous = siblings[siblings.indexOf(block) - 1]
  return previous?.kind === 'elif'
}

function noopNamed(def: PyNode): boolean {
  const names = [def.name, def.parent?.kind === 'class' ? def.parent.name : undefined]
  return names.some((name) =>
    (name ?? '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/_+/)
      .some((w) => NOOP_WORDS.has(w)),
  )
}

/** The message of `raise NotImplementedError("…")`: its string literals joined; undefined when bare. */
function raiseMessage(raise: PyNode): string | undefined {
  const code = raise.line.code
  const open = code.indexOf('(')
  if (open === -1) return undefined
  const args = code.slice(open + 1, code.lastIndexOf(')')).trim()
  if (args === '') return undefined
  // `NotImplementedError(msg)`: a message we cannot read is still a message.
  return raise.line.strings.length > 0 ? raise.line.strings.join('') : args
}

function enclosing(node: PyNode, kind: PyNode['kind']): PyNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.kind === kind) return p
  return undefined
}

function lastLine(node: PyNode): number {
  let last = node.line.last
  for (const child of node.body) last = Math.max(last, lastLine(child))
  return last
}

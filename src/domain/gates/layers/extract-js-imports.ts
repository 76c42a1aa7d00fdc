import { JsScanner, TOKEN } from './js-scanner.ts'
import { type ImportKind, lineColumns, type SourceImport } from './source-import.ts'

/**
 * Every import of a JavaScript/TypeScript file: static `import`/`export … from` (type-only when
 * `import type`, `export type`, or every named binding is `type`), `import 'x'`, `import('x')`
 * and `require('x')` with a string or plain template literal, `import x = require('x')` and
 * `import.meta.resolve('x')`. Nothing inside comments, strings, templates, regexes or JSX text
 * counts. `typeof import('x')`, `import('x').Member`, `Foo<import('x')>` and `type T = import('x')`
 * are type positions, so type-only (a bare `let m: import('x')` annotation is not told apart). JSX is
 * recognised in every extension but `.ts`, `.mts` and `.cts`, where `<T>x` is a type assertion.
 */
export function extractJsImports(path: string, text: string): SourceImport[] {
  const found: Found[] = []
  // A JSX guess that failed re-reads the text from the `<`: what was found after it goes.
  const onRewind = (offset: number) => {
    while (found.length > 0 && (found[found.length - 1] as Found).start >= offset) found.pop()
  }
  const s = new JsScanner(text, { jsx: !/\.[cm]?ts$/i.test(path), onRewind })
  const record = (kind: ImportKind, typeOnly: boolean) =>
    found.push({ specifier: s.literal(), start: s.start, kind, typeOnly })
  const isPunct = (v: string) => s.kind === TOKEN.punct && s.value === v
  const isIdent = (v: string) => s.kind === TOKEN.ident && s.value === v
  const isLiteral = () => s.kind === TOKEN.string || s.kind === TOKEN.template
  const isString = () => s.kind === TOKEN.string
  /** Advances; true when the new token is `kind` with text `value`. */
  const nextIs = (kind: number, value: string) => {
    s.next()
    return s.kind === kind && s.value === value
  }

  /** At `{` of a named list: reads to `}`; how many specifiers, and how many carry `type`. */
  const namedList = (): { count: number; types: number } => {
    let count = 0
    let types = 0
    let words: string[] = []
    const end = () => {
      if (words.length === 0) return
      count++
      // `type A`, `type A as B`, `type as`, `type as as B` carry the modifier; `type as B` imports `type`.
      if (words[0] === 'type' && words.length >= 2 && !(words.length === 3 && words[1] === 'as')) types++
      words = []
    }
    while (s.next() !== TOKEN.eof) {
      if (isPunct('}')) break
      if (isPunct(',')) end()
      else if (s.kind === TOKEN.ident || s.kind === TOKEN.string) words.push(s.value)
      else return { count: -1, types: 0 }
    }
    end()
    return { count, types }
  }

  /** At `=` of `import x = require('y')` (`import x = A.B` aliases a namespace: no import). */
  const equalsRequire = (typeModifier: boolean): void => {
    if (!nextIs(TOKEN.ident, 'require')) return
    if (!nextIs(TOKEN.punct, '(')) return
    s.next()
    if (s.kind === TOKEN.string) record('import-equals', typeModifier)
  }

  /** After `import` and its `type` modifier: bindings, then `from 'x'` (or `= require('x')`). */
  const clause = (typeModifier: boolean, plainBefore: number): void => {
    let plain = plainBefore // default and namespace bindings
    let named = 0
    let namedTypes = 0
    let bindings = 0
    for (;;) {
      if (s.kind === TOKEN.ident) {
        if (s.value === 'from' && bindings > 0) {
          s.next()
          if (isString()) record('import', typeModifier || (plain === 0 && named > 0 && named === namedTypes))
          // `import source from from 'x'`: the first `from` was a binding after a phase keyword.
          if (isIdent('from')) continue
          return
        }
        bindings++
        plain++
        s.next()
        if (isPunct('=')) {
          equalsRequire(typeModifier)
          return
        }
      } else if (isPunct(',')) {
        s.next()
      } else if (isPunct('*')) {
        bindings++
        plain++
        s.next()
        if (isIdent('as')) {
          s.next() // the namespace name
          s.next()
        }
      } else if (isPunct('{')) {
        const list = namedList()
        if (list.count < 0) return
        bindings++
        named += list.count
        namedTypes += list.types
        s.next()
      } else {
        return
      }
    }
  }

  const importForm = (typeAlias: boolean): void => {
    // `typeof import('x')`, `Foo<import('x')>` and `type T = import('x')` are types.
    const typePosition = typeAlias || s.afterTypeof || s.afterLess
    s.next()
    if (isPunct('(')) {
      s.next()
      if (!isLiteral()) return
      const at = found.length
      record('dynamic', typePosition)
      s.next()
      if (!isPunct(')') && !isPunct(',')) {
        found.length = at
        return
      }
      // A type query `import('x').Name` (a promise has no such member): type-only.
      if (isPunct(')') && s.next() === TOKEN.punct && s.value === '.' && s.next() === TOKEN.ident) {
        const entry = found[at] as Found
        if (!PROMISE_MEMBERS.has(s.value)) entry.typeOnly = true
      }
      return
    }
    if (isPunct('.')) {
      if (s.next() !== TOKEN.ident) return
      if (s.value === 'defer' || s.value === 'source') {
        // Phase imports, `import.defer('x')` and `import.source('x')`: dynamic imports.
        if (!nextIs(TOKEN.punct, '(')) return
        s.next()
        if (!isLiteral()) return
        const at = found.length
        record('dynamic', false)
        s.next()
        if (!isPunct(')') && !isPunct(',')) found.length = at
        return
      }
      if (s.value !== 'meta') return
      if (!nextIs(TOKEN.punct, '.')) return
      if (!nextIs(TOKEN.ident, 'resolve')) return
      if (!nextIs(TOKEN.punct, '(')) return
      s.next()
      if (!isLiteral()) return
      const at = found.length
      record('import-meta-resolve', false)
      s.next()
      if (!isPunct(')') && !isPunct(',')) found.length = at
      return
    }
    if (s.kind === TOKEN.string) {
      record('side-effect', false)
      return
    }
    let typeModifier = false
    let plain = 0
    if (isIdent('type')) {
      s.next()
      if (s.kind === TOKEN.ident && s.value !== 'from') typeModifier = true
      else if (isIdent('from')) {
        // `import type from 'x'` binds a default named `type`; `import type from from 'x'` is type-only.
        s.next()
        if (s.kind === TOKEN.string) {
          record('import', false)
          return
        }
        if (!isIdent('from')) return
        s.next()
        if (s.kind === TOKEN.string) record('import', true)
        return
      } else if (isPunct('{') || isPunct('*')) typeModifier = true
      else if (isPunct(',')) {
        // `import type, { a } from`: a default binding named `type`
        plain = 1
        s.next()
      } else {
        // `import type = require('x')` binds a name `type`.
        if (isPunct('=')) equalsRequire(false)
        return
      }
    }
    clause(typeModifier, plain)
  }

  const exportForm = (): void => {
    s.next()
    let typeModifier = false
    if (isIdent('type')) {
      s.next()
      if (s.kind === TOKEN.ident) {
        typeAlias()
        return
      }
      if (!isPunct('{') && !isPunct('*')) return
      typeModifier = true
    }
    if (isPunct('*')) {
      s.next()
      if (isIdent('as')) {
        s.next()
        s.next()
      }
      if (!isIdent('from')) return
      s.next()
      if (s.kind === TOKEN.string) record('re-export', typeModifier)
      return
    }
    if (isPunct('{')) {
      const list = namedList()
      if (list.count < 0) return
      s.next()
      if (!isIdent('from')) return
      s.next()
      if (s.kind === TOKEN.string) record('re-export', typeModifier || (list.count > 0 && list.count === list.types))
    }
  }

  /** At the name of `type Name<…> = …`: an `import('x')` right after the `=` is a type. */
  const typeAlias = (): void => {
    s.next()
    if (isPunct('<')) {
      let depth = 1
      while (depth > 0 && s.next() !== TOKEN.eof) {
        if (isPunct('<')) depth++
        else if (isPunct('>')) depth--
      }
      s.next()
    }
    if (!isPunct('=')) return
    if (s.next() === TOKEN.ident && s.value === 'import') importForm(true)
  }

  const requireForm = (): void => {
    if (!nextIs(TOKEN.punct, '(')) return
    s.next()
    if (!isLiteral()) return
    const at = found.length
    record('require', false)
    s.next()
    if (!isPunct(')')) found.length = at
  }

  // Each form reads ahead; whatever token it stopped on is looked at again here, so
  // `import(require('x'))` and `export import x = require('y')` are both seen.
  let again = false
  for (;;) {
    if (!again && s.next() === TOKEN.eof) break
    again = false
    if (s.kind === TOKEN.eof) break
    if (s.kind !== TOKEN.ident || s.afterDot) continue
    const v = s.value
    if (v === 'import') importForm(false)
    else if (v === 'export') exportForm()
    else if (v === 'require') requireForm()
    else if (v === 'type') {
      if (s.next() !== TOKEN.ident) {
        again = true
        continue
      }
      typeAlias()
    } else continue
    again = true
  }
  const positions = lineColumns(
    text,
    found.map((f) => f.start),
  )
  return found.map((f, i) => ({
    specifier: f.specifier,
    kind: f.kind,
    ...(positions[i] as { line: number; column: number }),
    typeOnly: f.typeOnly,
  }))
}

// --- internal ---

interface Found {
  specifier: string
  start: number
  kind: ImportKind
  typeOnly: boolean
}

const PROMISE_MEMBERS = new Set(['then', 'catch', 'finally'])

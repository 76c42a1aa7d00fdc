import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { extractJsImports } from '../../../../src/domain/gates/layers/extract-js-imports.ts'

/** `specifier kind [type]` per import, in order: compact to compare. */
function imports(text: string, path = 'a.ts'): string[] {
  return extractJsImports(path, text).map((i) => `${i.specifier} ${i.kind}${i.typeOnly ? ' type' : ''}`)
}

describe('extractJsImports()', () => {
  test('every static, dynamic and CommonJS form, with line and column of the specifier', () => {
    const text = [
      "import a from './a.js'", // 1
      "import * as b from './b'",
      "import { c, d as e } from '../c.ts'",
      "import './side-effect.css'",
      "export * from './star.js'", // 5
      "export * as ns from './ns.js'",
      "export { f } from './f.js'",
      "const g = await import('./g.js')",
      'const h = import(`./h.js`)',
      "const i = require('./i.cjs')", // 10
      "import j = require('./j')",
      "const k = import.meta.resolve('./k.js')",
      "import l, { m } from 'lodash'",
      "import data from './data.json' with { type: 'json' }",
    ].join('\n')
    expect(extractJsImports('x.ts', text)).toEqual([
      { specifier: './a.js', kind: 'import', line: 1, column: 15, typeOnly: false },
      { specifier: './b', kind: 'import', line: 2, column: 20, typeOnly: false },
      { specifier: '../c.ts', kind: 'import', line: 3, column: 27, typeOnly: false },
      { specifier: './side-effect.css', kind: 'side-effect', line: 4, column: 8, typeOnly: false },
      { specifier: './star.js', kind: 're-export', line: 5, column: 15, typeOnly: false },
      { specifier: './ns.js', kind: 're-export', line: 6, column: 21, typeOnly: false },
      { specifier: './f.js', kind: 're-export', line: 7, column: 19, typeOnly: false },
      { specifier: './g.js', kind: 'dynamic', line: 8, column: 24, typeOnly: false },
      { specifier: './h.js', kind: 'dynamic', line: 9, column: 18, typeOnly: false },
      { specifier: './i.cjs', kind: 'require', line: 10, column: 19, typeOnly: false },
      { specifier: './j', kind: 'import-equals', line: 11, column: 20, typeOnly: false },
      { specifier: './k.js', kind: 'import-meta-resolve', line: 12, column: 31, typeOnly: false },
      { specifier: 'lodash', kind: 'import', line: 13, column: 22, typeOnly: false },
      { specifier: './data.json', kind: 'import', line: 14, column: 18, typeOnly: false },
    ])
  })

  test('type-only: import type, export type, every named binding `type`, typeof import(), import().Member', () => {
    const text = `
      import type { A } from './a'
      import type B from './b'
      import type * as C from './c'
      import { type D, type E as F } from './d'
      import { type G, H } from './g'
      import I, { type J } from './i'
      export type { K } from './k'
      export { type L } from './l'
      export type * from './m'
      type N = typeof import('./n')
      let o: import('./o').O
      type P = import('./p')
      type Q<T> = Foo<import('./q').Q>
      const r = await import('./r').then((m) => m.default)
      import type S = require('./s')
      import {} from './empty'
    `
    expect(imports(text)).toEqual([
      './a import type',
      './b import type',
      './c import type',
      './d import type',
      './g import',
      './i import',
      './k re-export type',
      './l re-export type',
      './m re-export type',
      './n dynamic type',
      './o dynamic type',
      './p dynamic type',
      './q dynamic type',
      './r dynamic',
      './s import-equals type',
      './empty import',
    ])
  })

  test('`type` as a binding name is not a type modifier', () => {
    expect(
      imports(`
        import type from './default-named-type'
        import type, { x } from './default-type-and-x'
        import { type } from './named-type'
        import { type as t } from './named-type-renamed'
        import { type as } from './type-only-as'
      `),
    ).toEqual([
      './default-named-type import',
      './default-type-and-x import',
      './named-type import',
      './named-type-renamed import',
      './type-only-as import type',
    ])
  })

  test('nothing inside comments, strings, templates or regular expressions', () => {
    const text = String.raw`
      // import a from './comment'
      /* import b from './block'
         require('./block2') */
      const s1 = "import c from './string'"
      const s2 = 'require("./string2")'
      const t = ${'`'}import d from './template' ${'${'}x${'}'} require('./template2')${'`'}
      const re = /import e from '.\/regex'/g
      const re2 = x ? /require\('.\/regex2'\)/ : 0
      const div = a / 2 / b; import f from './after-division'
      if (ok) /'/.test(s); import g from './after-if-regex'
      const o = {}
      /import\('.\/x'\)/.test(s); import h from './after-block-regex'
      const q = "escaped \" import i from './escaped'"
      obj.import('./member'); obj.require('./member2'); x?.require('./member3')
    `
    expect(imports(text)).toEqual(['./after-division import', './after-if-regex import', './after-block-regex import'])
  })

  test('imports inside template substitutions and nested braces still count', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    const text = "const t = `${await import('./in-template.js')} and ${ { a: require('./in-object.js') }.a }`"
    expect(imports(text)).toEqual(['./in-template.js dynamic', './in-object.js require'])
  })

  test('JSX text and attributes are not code; expressions inside braces are', () => {
    const text = `
      import React from 'react'
      export const App = () => (
        <div title="import x from './attr'" data-x='require("./attr2")'>
          Don't import y from './text' — it's text
          {cond && <Lazy load={() => import('./lazy.js')} />}
          <>{/* import z from './comment' */}</>
        </div>
      )
      const cmp = a < b && c > d
      import after from './after.js'
    `
    expect(imports(text, 'app.tsx')).toEqual(['react import', './lazy.js dynamic', './after.js import'])
  })

  test('a `<` that only looked like JSX is re-read as code', () => {
    // In .js, `<T>` starts JSX; a generic arrow in .tsx is `<T,>`; a misread must not eat the file.
    const text = `
      const f = <T,>(x: T) => x
      let g: <U>(y: U) => U = (y) => y
      import later from './later.js'
    `
    expect(imports(text, 'generic.tsx')).toEqual(['./later.js import'])
  })

  test('in .ts, `<T>x` is a type assertion, not JSX', () => {
    expect(imports("const x = <any>y; import z from './z.js'", 'cast.ts')).toEqual(['./z.js import'])
  })

  test('non-literal dynamic imports and requires are not imports', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    expect(imports("import(name); require(path); import(`./${x}.js`); require('./ok.js')")).toEqual(['./ok.js require'])
  })

  test('phase imports and escapes in specifiers', () => {
    expect(imports("import.defer('./d.js'); import.source('./s.wasm'); import x from './\\u0061.js'")).toEqual([
      './d.js dynamic',
      './s.wasm dynamic',
      './a.js import',
    ])
  })

  test.each([
    // Not imports at all: aliases, unfinished forms, non-literal or computed specifiers.
    ['import x = A.B', []],
    ['import x = require', []],
    ['import x = require(y)', []],
    ['import { a, 1 } from "x"', []],
    ['import;', []],
    ['import x from y', []],
    ['import.meta.url', []],
    ['import.meta.resolve(x)', []],
    ["import.meta.resolve('x' + y)", []],
    ['import.meta', []],
    ['import.meta.other("x")', []],
    ['import.foo("x")', []],
    ['import.1', []],
    ['import.defer', []],
    ['import.source(x)', []],
    ["import.defer('x' + y)", []],
    ["import('x' + y)", []],
    ['require', []],
    ['require(x)', []],
    ["require('x' + y)", []],
    ["a.require('x')", []],
    ['export;', []],
    ['export type;', []],
    ['export * from y', []],
    ['export *;', []],
    ['export { a };', []],
    ['export { a } from y', []],
    ["export { 1 } from 'x'", []],
    ['export type Foo;', []],
    ['type(1)', []],
    ['type T<X> = Map<X>', []],
    ['import type from y', []],
    ['import type from from y', []],
    ['import type;', []],
    // Imports, and whether they are type-only.
    ["import * as ns from 'x'", ['x import']],
    ["import d, * as ns from 'x'", ['x import']],
    ["import { type A, type B } from 'x'", ['x import type']],
    ["import { type A, B } from 'x'", ['x import']],
    ["import type from 'x'", ['x import']],
    ["import type from from 'x'", ['x import type']],
    ["import type, { a } from 'x'", ['x import']],
    ["import type = require('x')", ['x import-equals']],
    ["import type * as t from 'x'", ['x import type']],
    ["import source from from 'x'", ['x import']],
    ["import('x', { with: { type: 'json' } })", ['x dynamic']],
    ["import('x').then(f)", ['x dynamic']],
    ["const t: import('x').Foo = v", ['x dynamic type']],
    ["import.defer('x')", ['x dynamic']],
    ["import.source('x', {})", ['x dynamic']],
    ["import.meta.resolve('x', parent)", ['x import-meta-resolve']],
    ["export type { A } from 'x'", ['x re-export type']],
    ["export { type A, type B } from 'x'", ['x re-export type']],
    ["export type * as t from 'x'", ['x re-export type']],
    ["export {} from 'x'", ['x re-export']],
    ["export type Foo<T extends Map<K, V>> = import('x').Bar<T>", ['x dynamic type']],
    ["type Foo = import('x')", ['x dynamic type']],
    ["export import y = require('x')", ['x import-equals']],
    ["import(require('x'))", ['x require']],
  ])('%s', (text, expected) => {
    expect(imports(text)).toEqual(expected)
  })

  test('property: imports surrounded by generated comments, strings, templates and regexes are found exactly', () => {
    const fake = fc.constantFrom(
      "import x from './fake'",
      "require('./fake')",
      "import('./fake')",
      "export * from './fake'",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
      '\' " ` ${ } /* */ //',
    )
    const noise = fake.chain((f) =>
      fc.constantFrom(
        `// ${f}\n`,
        `/* ${f} */`,
        `'${f.replace(/['\\\n]/g, '')}'`,
        `"${f.replace(/["\\\n]/g, '')}"`,
        `\`${f.replace(/[`\\$]/g, '')}\``,
        `/${f.replace(/[/\\\n[\]]/g, '').replace(/^\*/, '')}x/g`,
        `\`a\${'${f.replace(/['\\\n]/g, '')}'}b\``,
      ),
    )
    const real = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      form: fc.constantFrom('static', 'dynamic', 'require', 'reexport', 'side'),
    })
    const program = fc.array(fc.tuple(noise, real), { minLength: 1, maxLength: 8 })
    fc.assert(
      fc.property(program, (parts) => {
        const statement = (r: { name: string; form: string }) =>
          ({
            static: `import v from './${r.name}.js'`,
            dynamic: `void import('./${r.name}.js')`,
            require: `void require('./${r.name}.js')`,
            reexport: `export * from './${r.name}.js'`,
            side: `import './${r.name}.js'`,
          })[r.form]
        // A regex literal needs an expression position: `x = /re/`.
        const text = parts.map(([n, r]) => `x = ${n}\n${statement(r)}\n`).join('')
        const found = extractJsImports('p.ts', text).map((i) => i.specifier)
        expect(found).toEqual(parts.map(([, r]) => `./${r.name}.js`))
      }),
      { numRuns: 300 },
    )
  })
})

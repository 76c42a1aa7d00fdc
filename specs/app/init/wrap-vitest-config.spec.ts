import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { MANUAL_LINES, wrapVitestConfig } from '../../../src/app/init/wrap-vitest-config.ts'

const edited = (text: string) => {
  const result = wrapVitestConfig(text)
  if (result.kind !== 'edit') throw new Error(`expected an edit, got ${JSON.stringify(result)}`)
  return result.text
}

describe('wrapVitestConfig()', () => {
  test('defineConfig({ … }): the object is wrapped and the import added after the last import', () => {
    const text = [
      "import { defineConfig } from 'vitest/config'",
      "import react from '@vitejs/plugin-react'",
      '',
      'export default defineConfig({',
      '  plugins: [react()],',
      "  test: { include: ['src/**/*.test.ts'] }, // keep (this) comment",
      '})',
      '',
    ].join('\n')
    expect(edited(text)).toBe(
      [
        "import { defineConfig } from 'vitest/config'",
        "import react from '@vitejs/plugin-react'",
        "import { withCodexGates } from 'codex-gates/vitest'",
        '',
        'export default defineConfig(withCodexGates({',
        '  plugins: [react()],',
        "  test: { include: ['src/**/*.test.ts'] }, // keep (this) comment",
        '}))',
        '',
      ].join('\n'),
    )
  })

  test('an object literal export; double quotes and semicolons are kept; multi-line imports are skipped whole', () => {
    const text = ['import {', '  foo,', '} from "./foo";', '', 'export default { test: { name: ")" } };', ''].join('\n')
    expect(edited(text)).toBe(
      [
        'import {',
        '  foo,',
        '} from "./foo";',
        'import { withCodexGates } from "codex-gates/vitest";',
        '',
        'export default withCodexGates({ test: { name: ")" } });',
        '',
      ].join('\n'),
    )
  })

  test('a config it already wraps is done; wrapping twice changes nothing', () => {
    const once = edited("import { defineConfig } from 'vitest/config'\nexport default defineConfig({})\n")
    expect(wrapVitestConfig(once)).toEqual({ kind: 'done' })
  })

  test('shapes it cannot edit safely are left alone, with the lines to add and why', () => {
    const cases: [string, string][] = [
      [
        'export default defineConfig(({ mode }) => ({ test: {} }))',
        'its defineConfig(…) takes a function or a variable, not an object',
      ],
      [
        'const config = {}\nexport default defineConfig(config)',
        'its defineConfig(…) takes a function or a variable, not an object',
      ],
      ['module.exports = { test: {} }', 'it is CommonJS (module.exports)'],
      [
        'export default mergeConfig(base, {})',
        'its default export is neither defineConfig({ … }) nor an object literal',
      ],
      ['export default defineConfig({ test: {}', 'its brackets do not balance'],
    ]
    for (const [text, why] of cases)
      expect(wrapVitestConfig(text)).toEqual({ kind: 'manual', why, lines: MANUAL_LINES })
  })

  test('property: brackets, quotes and comments inside the object survive, and the edit is exactly the wrap', () => {
    const piece = fc.constantFrom(
      'a: 1',
      "s: ')'",
      's: "}"',
      'f: `(}`',
      '/* ) */ b: [1, 2]',
      'n: { m: (1) }',
      '// })\n c: 2',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const body = `{\n  ${pieces.join(',\n  ')}\n}`
        const text = `import { defineConfig } from 'vitest/config'\nexport default defineConfig(${body})\n`
        expect(edited(text)).toBe(
          `import { defineConfig } from 'vitest/config'\nimport { withCodexGates } from 'codex-gates/vitest'\nexport default defineConfig(withCodexGates(${body}))\n`,
        )
      }),
    )
  })
})

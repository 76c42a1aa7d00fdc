import { describe, expect, test } from 'vitest'
import {
  hasLayersRules,
  LAYERS_DEFAULTS,
  LAYERS_SCHEMA,
  resolveLayersConfig,
} from '../../../../src/domain/gates/layers/layers-config.ts'
import { newAjv } from '../../../../src/foundation/config/new-ajv.ts'
import { UserError } from '../../../../src/foundation/errors/user-error.ts'

function problem(raw: unknown): string {
  try {
    resolveLayersConfig(raw)
  } catch (error) {
    if (error instanceof UserError) return `${error.message} | ${error.hint}`
    throw error
  }
  return 'valid'
}

const VALID = [
  {},
  { layers: [{ name: 'low', paths: ['src/low/**'] }], cycles: 'warn', enabled: true, exclude: ['x/**'] },
  { forbidden: [{ from: ['a/**'], packages: ['lodash'], reason: 'no', type_only: 'check' }], indirect: true },
  {
    independent: [{ name: 'g', modules: ['a/**', 'b/**'] }],
    python_roots: ['.', 'lib'],
    tsconfig: 'tsconfig.app.json',
  },
]

const INVALID = [
  { layers: [{ name: 'a', paths: [] }] },
  { layers: [{ name: 'a' }] },
  { forbidden: [{ from: ['a/**'] }] },
  { independent: [{ name: 'g', modules: ['a/**'] }] },
  { cycles: 'yes' },
  { type_only: 'maybe' },
  { layer: [] },
  { forbidden: [{ from: ['a/**'], to: ['b/**'], extra: 1 }] },
]

describe('resolveLayersConfig()', () => {
  test('lays the config over LAYERS_DEFAULTS; common gate settings pass through unread', () => {
    expect(resolveLayersConfig({ cycles: 'error', enabled: false, severity: {} })).toEqual({
      ...LAYERS_DEFAULTS,
      cycles: 'error',
    })
  })

  test('bad values name the field and the fix', () => {
    expect(INVALID.map(problem)).toEqual([
      'gates.layers.layers[0].paths must list at least one glob or name | fix gates.layers.layers[0].paths in configs/gates.json',
      'gates.layers.layers[0].paths must be an array | fix gates.layers.layers[0].paths in configs/gates.json',
      'gates.layers.forbidden[0] forbids nothing | give it "to" (file globs) or "packages" (package names), or both',
      'gates.layers.independent[0].modules needs at least two groups to keep apart | fix gates.layers.independent[0].modules in configs/gates.json',
      'gates.layers.cycles must be one of "error", "warn", "off" | fix gates.layers.cycles in configs/gates.json',
      'gates.layers.type_only must be one of "ignore", "check" | fix gates.layers.type_only in configs/gates.json',
      'gates.layers.layer is not a known setting | allowed: layers, report_unlayered, forbidden, independent, cycles, type_only, indirect, python_roots, tsconfig, enabled, timeout_ms, exclude, severity',
      'gates.layers.forbidden[0].extra is not a known setting | allowed here: name, from, to, packages, reason, type_only',
    ])
    expect(
      problem({
        layers: [
          { name: 'a', paths: ['x'] },
          { name: 'a', paths: ['y'] },
        ],
      }),
    ).toMatch(/names the layer "a" twice/)
  })

  test('LAYERS_SCHEMA (for gates.schema.json) accepts and rejects the same configs', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...LAYERS_SCHEMA,
        enabled: { type: 'boolean' },
        timeout_ms: { type: 'integer' },
        exclude: { type: 'array', items: { type: 'string' } },
        severity: { type: 'object' },
      },
    }
    const validate = newAjv({ allErrors: true, strict: true }).compile(schema)
    for (const raw of VALID) {
      expect(validate(raw), JSON.stringify(raw)).toBe(true)
      expect(problem(raw)).toBe('valid')
    }
    for (const raw of INVALID) expect(validate(raw), JSON.stringify(raw)).toBe(false)
  })

  test('hasLayersRules(): the defaults ask for nothing', () => {
    expect(hasLayersRules(LAYERS_DEFAULTS)).toBe(false)
    expect(hasLayersRules({ ...LAYERS_DEFAULTS, cycles: 'warn' })).toBe(true)
  })
})

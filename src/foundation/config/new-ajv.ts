import { createRequire } from 'node:module'
import type { Ajv, Options } from 'ajv'

const require = createRequire(import.meta.url)

/**
 * A new ajv instance, with ajv itself loaded on first use rather than at import time: loading it
 * costs 30–50 ms, which every process that imports a config module (the ledger reporter inside
 * each Vitest run, the CLIs) would otherwise pay even when it validates nothing.
 */
export function newAjv(options: Options): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv')
  return new AjvClass(options)
}

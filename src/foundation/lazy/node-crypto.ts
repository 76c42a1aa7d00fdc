import type * as Crypto from 'node:crypto'
import { createRequire } from 'node:module'

/**
 * node:crypto, loaded on first use. It costs ~13 ms to load (crypto, streams); imported by a
 * module the commit hook loads before it starts git (src/adapters/hooks/pre-commit-start.ts), it
 * delayed git's processes by that much; loaded when first needed, it loads while they run.
 */
export function nodeCrypto(): typeof Crypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto
  return loaded
}

let loaded: typeof Crypto | undefined

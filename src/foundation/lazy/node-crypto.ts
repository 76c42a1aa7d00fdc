import type * as Crypto from 'node:crypto'
import { lazyBuiltin } from './lazy-builtin.ts'

/**
 * node:crypto, loaded on first use. It costs ~13 ms to load (crypto, streams); imported by a
 * module the commit hook loads before it starts git (src/adapters/hooks/pre-commit-start.ts), it
 * delayed git's processes by that much; loaded when first needed, it loads while they run.
 */
export const nodeCrypto = lazyBuiltin<typeof Crypto>('node:crypto')

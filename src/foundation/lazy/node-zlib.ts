import type * as Zlib from 'node:zlib'
import { lazyBuiltin } from './lazy-builtin.ts'

/**
 * node:zlib, loaded on first use: only a commit object read from `.git/objects` needs it, and
 * loading it (~2–3 ms) at start-up cost every warm run that found HEAD's tree in its memo.
 */
export const nodeZlib = lazyBuiltin<typeof Zlib>('node:zlib')

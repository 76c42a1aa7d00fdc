import { createRequire } from 'node:module'
import type * as Zlib from 'node:zlib'

/**
 * node:zlib, loaded on first use: only a commit object read from `.git/objects` needs it, and
 * loading it (~2–3 ms) at start-up cost every warm run that found HEAD's tree in its memo.
 */
export function nodeZlib(): typeof Zlib {
  loaded ??= createRequire(import.meta.url)('node:zlib') as typeof Zlib
  return loaded
}

let loaded: typeof Zlib | undefined

import { createRequire } from 'node:module'
import type * as WorkerThreads from 'node:worker_threads'

/**
 * node:worker_threads, loaded on first use: the commit hook starts its gate worker only when Python
 * may be staged, and loading the module (with its message ports and error serialisation) cost
 * every other commit ~0.4 ms before git's results could be read.
 */
export function nodeWorkerThreads(): typeof WorkerThreads {
  loaded ??= createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads
  return loaded
}

let loaded: typeof WorkerThreads | undefined

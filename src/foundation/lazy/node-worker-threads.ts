import type * as WorkerThreads from 'node:worker_threads'
import { lazyBuiltin } from './lazy-builtin.ts'

/**
 * node:worker_threads, loaded on first use: the commit hook starts its gate worker only when Python
 * may be staged, and loading the module (with its message ports and error serialisation) cost
 * every other commit ~0.4 ms before git's results could be read.
 */
export const nodeWorkerThreads = lazyBuiltin<typeof WorkerThreads>('node:worker_threads')

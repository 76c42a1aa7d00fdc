import { availableParallelism } from 'node:os'

/**
 * How many independent declared gates run at once: in-process (runConfigGates), and in Vitest as
 * the gates project's `maxConcurrency` for commands.gate's `test.concurrent` tests (Vitest's own
 * default of 5 made the two paths schedule differently). Each command gate also splits its files
 * over the cores.
 */
export const PARALLEL_GATES = Math.max(4, availableParallelism())

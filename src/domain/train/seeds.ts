import { epochSeed } from '../data/shuffle.ts'

/** The PRNG roles of a run: each gets its own stream derived from the run's seed. */
export type RngRole = 'init' | 'batches' | 'dropout'

const ROLE_INDEX: Record<RngRole, number> = { init: 0, batches: 1, dropout: 2 }

/**
 * A per-role seed: a splitmix32 mix of (seed, role), so changing how one stream is consumed
 * never shifts another (batch order does not depend on how many init draws there were).
 */
export function roleSeed(seed: number, role: RngRole): number {
  return epochSeed(seed ^ 0x5eed0000, 1000 + ROLE_INDEX[role])
}

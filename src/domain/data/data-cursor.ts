/**
 * Where a seeded epoch sampler stands (shuffle.ts): which epoch, the permutation it draws from
 * (seed and digest, so a resume can prove it has the same one) and the position in it. Saved in
 * every checkpoint (train-state.ts) so a resumed run continues with the next batch.
 */
export interface DataCursor {
  epoch: number
  permutation_seed: number
  permutation_sha256: string
  position: number
}

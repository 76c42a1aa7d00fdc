/**
 * Seeded PRNG: xoshiro128** (Blackman & Vigna, 2018), state seeded by splitmix32. Same seed →
 * same stream on every machine (32-bit integer math only); the state serializes to 4 numbers.
 */
export class Prng {
  private s: Uint32Array

  private constructor(state: Uint32Array) {
    this.s = state
  }

  /** A generator seeded from a 32-bit integer seed through splitmix32. */
  static fromSeed(seed: number): Prng {
    let x = seed >>> 0
    const state = new Uint32Array(4)
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      state[i] = (z ^ (z >>> 16)) >>> 0
    }
    if (state.every((v) => v === 0)) state[0] = 1 // the all-zero state is a fixed point
    return new Prng(state)
  }

  /** Restores a generator from `state()`. */
  static fromState(state: readonly number[]): Prng {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new Error(`Prng.fromState: expected 4 uint32 values, got ${JSON.stringify(state)}`)
    }
    return new Prng(Uint32Array.from(state))
  }

  /** The serializable state: 4 uint32. */
  state(): number[] {
    return Array.from(this.s)
  }

  /** Next uint32. */
  nextUint32(): number {
    const s = this.s
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5) >>> 0, 7), 9) >>> 0
    const t = ((s[1] as number) << 9) >>> 0
    s[2] = ((s[2] as number) ^ (s[0] as number)) >>> 0
    s[3] = ((s[3] as number) ^ (s[1] as number)) >>> 0
    s[1] = ((s[1] as number) ^ (s[2] as number)) >>> 0
    s[0] = ((s[0] as number) ^ (s[3] as number)) >>> 0
    s[2] = ((s[2] as number) ^ t) >>> 0
    s[3] = rotl(s[3] as number, 11)
    return result
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000)
      throw new Error(`Prng.nextInt: n must be in 1..2^32, got ${n}`)
    const limit = 0x100000000 - (0x100000000 % n)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return x % n
  }

  /** Standard normal sample (Box–Muller, one value per call, deterministic). */
  nextNormal(): number {
    let u = this.nextFloat()
    while (u === 0) u = this.nextFloat()
    const v = this.nextFloat()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

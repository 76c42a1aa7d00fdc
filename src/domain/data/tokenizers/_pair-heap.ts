/**
 * Max-heap of (count, key) for BPE training: highest count first, ties → smallest key, so the
 * merge order is deterministic. Entries may go stale; the trainer checks them on pop.
 */
export class PairHeap {
  private counts: number[] = []
  private keys: number[] = []

  get size(): number {
    return this.keys.length
  }

  push(count: number, key: number): void {
    this.counts.push(count)
    this.keys.push(key)
    let i = this.keys.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  /** Removes and returns the top entry, or undefined when empty. */
  pop(): { count: number; key: number } | undefined {
    const n = this.keys.length
    if (n === 0) return undefined
    const top = { count: this.counts[0] as number, key: this.keys[0] as number }
    const lastCount = this.counts.pop() as number
    const lastKey = this.keys.pop() as number
    if (n > 1) {
      this.counts[0] = lastCount
      this.keys[0] = lastKey
      let i = 0
      const size = n - 1
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < size && this.before(l, best)) best = l
        if (r < size && this.before(r, best)) best = r
        if (best === i) break
        this.swap(i, best)
        i = best
      }
    }
    return top
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] as number
    const cj = this.counts[j] as number
    return ci > cj || (ci === cj && (this.keys[i] as number) < (this.keys[j] as number))
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i] as number
    this.counts[i] = this.counts[j] as number
    this.counts[j] = c
    const k = this.keys[i] as number
    this.keys[i] = this.keys[j] as number
    this.keys[j] = k
  }
}

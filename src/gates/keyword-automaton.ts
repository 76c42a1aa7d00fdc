/**
 * A case-insensitive Aho–Corasick automaton over bytes: one table lookup per byte finds every
 * occurrence of every keyword (several times faster in V8 than a regex alternation of them).
 * States are numbered so that states ending a keyword come last and are stored premultiplied
 * by 256, so the hot loop is `state = next[state + byte]; if (state >= outputFrom) …`.
 */
export class KeywordAutomaton<T> {
  /** next[state * 256 + byte] = nextState * 256. */
  readonly next: Int32Array
  /** States (premultiplied) at or above this end at least one keyword. */
  readonly outputFrom: number
  /** Per state (not premultiplied): the values of every keyword ending there. */
  private readonly outputs: T[][]

  constructor(keywords: readonly { keyword: string; value: T }[]) {
    const goto: Map<number, number>[] = [new Map()]
    const values: T[][] = [[]]
    for (const { keyword, value } of keywords) {
      let state = 0
      for (const byte of Buffer.from(keyword.toLowerCase(), 'latin1')) {
        let next = goto[state]?.get(byte)
        if (next === undefined) {
          next = goto.length
          goto.push(new Map())
          values.push([])
          goto[state]?.set(byte, next)
        }
        state = next
      }
      values[state]?.push(value)
    }
    // Failure links, breadth first; outputs of a state include those of its failure state.
    const fail = new Array<number>(goto.length).fill(0)
    const queue = [...(goto[0] as Map<number, number>).values()]
    for (let head = 0; head < queue.length; head++) {
      const r = queue[head] as number
      for (const [byte, s] of goto[r] as Map<number, number>) {
        queue.push(s)
        let f = fail[r] as number
        while (f !== 0 && !(goto[f] as Map<number, number>).has(byte)) f = fail[f] as number
        const t = (goto[f] as Map<number, number>).get(byte)
        fail[s] = t !== undefined && t !== s ? t : 0
        values[s] = [...new Set([...(values[s] as T[]), ...(values[fail[s] as number] as T[])])]
      }
    }
    const count = goto.length
    const fold = (byte: number) => (byte >= 65 && byte <= 90 ? byte + 32 : byte)
    const delta = (state: number, byte: number): number => {
      let s = state
      for (;;) {
        const t = (goto[s] as Map<number, number>).get(byte)
        if (t !== undefined) return t
        if (s === 0) return 0
        s = fail[s] as number
      }
    }
    // Renumber: the root stays 0, states without outputs next, states with outputs last.
    const order = [...Array(count).keys()].sort((a, b) => {
      const oa = a !== 0 && (values[a] as T[]).length > 0 ? 1 : 0
      const ob = b !== 0 && (values[b] as T[]).length > 0 ? 1 : 0
      return oa - ob || a - b
    })
    const id = new Array<number>(count)
    order.forEach((s, i) => {
      id[s] = i
    })
    this.next = new Int32Array(count * 256)
    for (let s = 0; s < count; s++) {
      for (let byte = 0; byte < 256; byte++) {
        this.next[(id[s] as number) * 256 + byte] = (id[delta(s, fold(byte))] as number) * 256
      }
    }
    const firstOutput = order.findIndex((s) => s !== 0 && (values[s] as T[]).length > 0)
    this.outputFrom = (firstOutput === -1 ? count : firstOutput) * 256
    this.outputs = order.map((s) => values[s] as T[])
  }

  /** The values of the keywords ending in a (premultiplied) output state. */
  valuesAt(state: number): T[] {
    return this.outputs[state >> 8] as T[]
  }
}

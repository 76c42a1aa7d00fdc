import { PairHeap } from './_pair-heap.ts'
import { forEachPiece } from './pretokenize.ts'
import { encodeWtf8 } from './wtf8.ts'

// BPE training, used by BpeTokenizer.train: piece counting and the incremental merge loop.

/** Ids below this are single bytes. */
export const BYTE_VOCAB = 256
/** Pair keys are `left * PAIR_BASE + right`: exact in a double for ids below 2^21. */
export const PAIR_BASE = 0x200000

/** How often each pre-tokenizer piece occurs in `texts`. */
export function countPieces(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const text of texts) {
    forEachPiece(text, (piece) => counts.set(piece, (counts.get(piece) ?? 0) + 1))
  }
  return counts
}

/** The classic incremental BPE trainer over distinct pieces weighted by frequency. */
export function learnMerges(pieceCounts: Map<string, number>, target: number, minFrequency: number): number[] {
  const words: number[][] = []
  const freq: number[] = []
  for (const [piece, count] of pieceCounts) {
    const bytes = encodeWtf8(piece)
    if (bytes.length < 2) continue // nothing to merge inside a single byte
    words.push(Array.from(bytes))
    freq.push(count)
  }
  const pairCount = new Map<number, number>()
  const where = new Map<number, number[]>()
  words.forEach((word, w) => {
    const f = freq[w] as number
    for (let i = 0; i + 1 < word.length; i++) {
      const key = (word[i] as number) * PAIR_BASE + (word[i + 1] as number)
      pairCount.set(key, (pairCount.get(key) ?? 0) + f)
      const list = where.get(key)
      if (list === undefined) where.set(key, [w])
      else if (list[list.length - 1] !== w) list.push(w)
    }
  })
  const heap = new PairHeap()
  for (const [key, count] of pairCount) heap.push(count, key)

  const merges: number[] = []
  const visited = new Int32Array(words.length).fill(-1)
  while (merges.length / 2 < target) {
    const top = heap.pop()
    if (top === undefined) break
    if (pairCount.get(top.key) !== top.count) continue // stale entry
    if (top.count < minFrequency) break
    const rank = merges.length / 2
    const a = Math.floor(top.key / PAIR_BASE)
    const b = top.key % PAIR_BASE
    const newId = BYTE_VOCAB + rank
    merges.push(a, b)
    const delta = new Map<number, number>()
    const bump = (key: number, by: number) => delta.set(key, (delta.get(key) ?? 0) + by)
    for (const w of where.get(top.key) ?? []) {
      if (visited[w] === rank) continue
      visited[w] = rank
      const word = words[w] as number[]
      const f = freq[w] as number
      const merged: number[] = []
      for (let i = 0; i < word.length; i++) {
        if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
          merged.push(newId)
          i++
        } else merged.push(word[i] as number)
      }
      if (merged.length === word.length) continue // stale index entry: the pair left this word earlier
      for (let i = 0; i + 1 < word.length; i++) bump((word[i] as number) * PAIR_BASE + (word[i + 1] as number), -f)
      for (let i = 0; i + 1 < merged.length; i++) {
        const left = merged[i] as number
        const right = merged[i + 1] as number
        const key = left * PAIR_BASE + right
        bump(key, f)
        if (left === newId || right === newId) {
          const list = where.get(key)
          if (list === undefined) where.set(key, [w])
          else if (list[list.length - 1] !== w) list.push(w)
        }
      }
      words[w] = merged
    }
    where.delete(top.key)
    for (const [key, d] of delta) {
      if (d === 0) continue
      const count = (pairCount.get(key) ?? 0) + d
      if (count <= 0) pairCount.delete(key)
      else {
        pairCount.set(key, count)
        heap.push(count, key)
      }
    }
    pairCount.delete(top.key)
  }
  return merges
}

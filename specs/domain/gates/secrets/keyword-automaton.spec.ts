import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { KeywordAutomaton } from '../../../../src/domain/gates/secrets/keyword-automaton.ts'

/** Every (end offset, value) the automaton reports while walking `text`. */
function walk<T>(automaton: KeywordAutomaton<T>, text: string): string[] {
  const found: string[] = []
  let state = 0
  const bytes = Buffer.from(text, 'latin1')
  for (let i = 0; i < bytes.length; i++) {
    state = automaton.next[(state << 8) | (bytes[i] as number)] as number
    if (state >= automaton.outputFrom) for (const v of automaton.valuesAt(state)) found.push(`${i}:${String(v)}`)
  }
  return found.sort()
}

/** The same, by brute force: every case-insensitive occurrence of every keyword. */
function naive(keywords: string[], text: string): string[] {
  const found = new Set<string>()
  const lower = text.toLowerCase()
  keywords.forEach((k, value) => {
    for (let i = lower.indexOf(k.toLowerCase()); i !== -1; i = lower.indexOf(k.toLowerCase(), i + 1)) {
      found.add(`${i + k.length - 1}:${value}`)
    }
  })
  return [...found].sort()
}

describe('KeywordAutomaton', () => {
  test('finds every occurrence of every keyword, case-insensitively, overlaps included', () => {
    const keywords = ['he', 'she', 'his', 'hers']
    const automaton = new KeywordAutomaton(keywords.map((keyword, value) => ({ keyword, value })))
    expect(walk(automaton, 'uSHErs')).toEqual(['3:0', '3:1', '5:3'])
  })

  test('agrees with a brute-force search (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B'), minLength: 1, maxLength: 5 })
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 6, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', 'x'), maxLength: 40 }),
        (keywords, text) => {
          const automaton = new KeywordAutomaton(keywords.map((keyword, value) => ({ keyword, value })))
          expect(walk(automaton, text)).toEqual(naive(keywords, text))
        },
      ),
    )
  })

  test('scan (two interleaved walkers on long inputs) reports exactly the brute-force hits, in order (property)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B'), minLength: 1, maxLength: 12 })
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 6, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }),
        // Around the split (4096 bytes and up: the middle), and short inputs walked by one walker.
        fc.integer({ min: 0, max: 9000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 })), { maxLength: 30 }),
        fc.integer({ min: -14, max: 14 }),
        (keywords, length, plants, nearMiddle) => {
          // Filler that matches nothing, keywords planted at random places and across the middle.
          const text = Buffer.alloc(length, 'x'.charCodeAt(0))
          const put = (at: number, keyword: string) => {
            if (at >= 0 && at + keyword.length <= length) text.write(keyword, at, 'latin1')
          }
          for (const [at, k] of plants) put(at % Math.max(1, length), keywords[k % keywords.length] as string)
          put((length >> 1) + nearMiddle, keywords[0] as string)
          const automaton = new KeywordAutomaton(keywords.map((keyword, value) => ({ keyword, value })))
          const hits = automaton.scan(text)
          const ends = [...hits.ends.subarray(0, hits.count)]
          expect(ends).toEqual([...ends].sort((a, b) => a - b))
          const found = ends.flatMap((end, k) =>
            automaton.valuesAt(hits.states[k] as number).map((v) => `${end}:${String(v)}`),
          )
          expect(found.sort()).toEqual(naive(keywords, text.toString('latin1')))
        },
      ),
      { numRuns: 200 },
    )
  })

  test('scan grows its hit buffers past their first size and reuses them across calls', () => {
    const automaton = new KeywordAutomaton([{ keyword: 'k', value: 0 }])
    expect(automaton.scan(Buffer.from('k'.repeat(10_000))).count).toBe(10_000)
    expect(automaton.scan(Buffer.from('xkx')).count).toBe(1)
  })

  test('no keywords: no state is an output state', () => {
    const automaton = new KeywordAutomaton<number>([])
    expect(automaton.outputFrom).toBe(automaton.next.length >> 8)
    expect(walk(automaton, 'anything')).toEqual([])
  })

  test('more states than the 16-bit table holds is a BUG naming the count', () => {
    expect(() => new KeywordAutomaton([{ keyword: 'k'.repeat(70_000), value: 0 }])).toThrow(
      'BUG: keyword automaton has 70001 states; the table holds 65535',
    )
  })
})

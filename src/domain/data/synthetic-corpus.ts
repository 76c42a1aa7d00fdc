import { closeSync, openSync, writeSync } from 'node:fs'
import { Prng } from '../../foundation/random/prng.ts'

const ONSETS = [
  '',
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'st',
  'tr',
  'ch',
  'sh',
  'th',
]
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai']
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'nd', 'ng', 'st']
/** A few non-ASCII words so byte-level paths (2-, 3- and 4-byte UTF-8) are exercised. */
const UNICODE_WORDS = ['café', 'naïve', 'Zürich', 'déjà', '日本語', 'データ', 'привет', 'αβγ', '🙂', '🚀']

/**
 * Deterministic, language-like text for benchmarks and specs (no data set to download): a
 * Zipf-distributed vocabulary of pronounceable pseudo-words, sentences with commas, numbers and
 * the odd non-ASCII word. Same seed → same text.
 */
export class SyntheticText {
  private readonly rng: Prng
  private readonly words: string[]
  private readonly cumulative: Float64Array

  constructor(seed: number, vocabulary = 5000) {
    this.rng = Prng.fromSeed(seed)
    const seen = new Set<string>()
    this.words = []
    while (this.words.length < vocabulary) {
      const syllables = 1 + this.rng.nextInt(3)
      let word = ''
      for (let s = 0; s < syllables; s++) {
        word += pick(this.rng, ONSETS) + pick(this.rng, VOWELS) + pick(this.rng, CODAS)
      }
      if (!seen.has(word)) {
        seen.add(word)
        this.words.push(word)
      }
    }
    // Zipf weights 1/rank: a few very common words, a long tail.
    this.cumulative = new Float64Array(vocabulary)
    let acc = 0
    for (let r = 0; r < vocabulary; r++) {
      acc += 1 / (r + 1)
      this.cumulative[r] = acc
    }
  }

  word(): string {
    const roll = this.rng.nextInt(1000)
    if (roll === 0) return pick(this.rng, UNICODE_WORDS)
    if (roll < 15) return String(this.rng.nextInt(10000))
    const total = this.cumulative[this.cumulative.length - 1] as number
    const u = this.rng.nextFloat() * total
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.cumulative[mid] as number) < u) lo = mid + 1
      else hi = mid
    }
    return this.words[lo] as string
  }

  sentence(): string {
    const n = 4 + this.rng.nextInt(14)
    const parts: string[] = []
    for (let i = 0; i < n; i++) {
      let w = this.word()
      if (i === 0) w = w.charAt(0).toUpperCase() + w.slice(1)
      if (i < n - 1 && this.rng.nextInt(10) === 0) w += ','
      parts.push(w)
    }
    return `${parts.join(' ')}${pick(this.rng, ['.', '.', '.', '!', '?'])}`
  }

  /** Sentences joined by spaces until at least `chars` characters. */
  paragraph(chars: number): string {
    let out = this.sentence()
    while (out.length < chars) out += ` ${this.sentence()}`
    return out
  }
}

/** Writes `count` records `{"id": i, "text": …}` to `path` (about `chars` characters of text each). */
export function writeSyntheticJsonl(path: string, count: number, seed: number, chars = 60): number {
  const gen = new SyntheticText(seed)
  const fd = openSync(path, 'w')
  let bytes = 0
  try {
    let batch: string[] = []
    for (let i = 0; i < count; i++) {
      batch.push(JSON.stringify({ id: i, text: gen.paragraph(chars) }))
      if (batch.length === 10_000 || i === count - 1) {
        const buf = Buffer.from(`${batch.join('\n')}\n`)
        writeSync(fd, buf)
        bytes += buf.length
        batch = []
      }
    }
  } finally {
    closeSync(fd)
  }
  return bytes
}

function pick<T>(rng: Prng, items: readonly T[]): T {
  return items[rng.nextInt(items.length)] as T
}

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { SyntheticText, writeSyntheticJsonl } from '../../../src/domain/data/synthetic-corpus.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('SyntheticText', () => {
  test('same seed → same text; different seeds differ', () => {
    const a = new SyntheticText(1).paragraph(500)
    expect(new SyntheticText(1).paragraph(500)).toBe(a)
    expect(new SyntheticText(2).paragraph(500)).not.toBe(a)
    expect(a.length).toBeGreaterThanOrEqual(500)
    expect(a).toMatch(/^[A-Z0-9].*[.!?]$/su)
  })

  test('is Zipf-like: the most common word is far more frequent than the median one', () => {
    const gen = new SyntheticText(3)
    const counts = new Map<string, number>()
    for (let i = 0; i < 20_000; i++) {
      const w = gen.word()
      counts.set(w, (counts.get(w) ?? 0) + 1)
    }
    const sorted = [...counts.values()].sort((x, y) => y - x)
    expect((sorted[0] as number) / (sorted[Math.floor(sorted.length / 2)] as number)).toBeGreaterThan(50)
  })

  test('writeSyntheticJsonl writes one {id, text} per line', () => {
    const dir = tempDir()
    const path = join(dir, 'r.jsonl')
    const bytes = writeSyntheticJsonl(path, 25, 9)
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(readFileSync(path).length).toBe(bytes)
    expect(lines).toHaveLength(25)
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(Array.from({ length: 25 }, (_, i) => i))
  })
})

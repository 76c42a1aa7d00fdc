import { describe, expect, test } from 'vitest'
import { exactMatch, f1, normalizeAnswer, squadGolds } from '../../../src/domain/eval/squad.ts'

describe('normalizeAnswer()', () => {
  test('lowercase, drop punctuation, drop a/an/the, collapse whitespace', () => {
    // "The  Cat's, an apple!" → lower → remove punctuation "the  cats an apple" →
    // articles → "   cats   apple" → collapse → "cats apple"
    expect(normalizeAnswer("The  Cat's, an apple!")).toBe('cats apple')
    // articles only as whole words (Unicode word boundaries): "theatre", "éthe" keep theirs
    expect(normalizeAnswer('theatre an éthe')).toBe('theatre éthe')
    // Python whitespace includes U+00A0 and U+001C
    expect(normalizeAnswer('a\u00a0b\u001cc')).toBe('b c')
  })
})

describe('exactMatch()', () => {
  test('1 when normalized strings are equal, max over golds', () => {
    expect(exactMatch('The Cat!', 'cat')).toBe(1)
    expect(exactMatch('cat', ['dog', 'a cat.'])).toBe(1)
    expect(exactMatch('cats', 'cat')).toBe(0)
    expect(exactMatch('', '')).toBe(1)
  })
})

describe('f1()', () => {
  test('token F1 derived by hand', () => {
    // pred "the cat sat" → [cat, sat]; gold "a cat sat down" → [cat, sat, down]
    // common 2 → P = 2/2 = 1, R = 2/3, F1 = 2·1·(2/3)/(1 + 2/3) = (4/3)/(5/3) = 0.8
    expect(f1('the cat sat', 'a cat sat down')).toBeCloseTo(0.8, 12)
    // multisets: "cat cat cat" vs "cat" share min(3, 1) = 1 token; P = 1/3, R = 1, F1 = (2/3)/(4/3) = 0.5
    expect(f1('cat cat cat', 'cat')).toBeCloseTo(0.5, 12)
  })

  test('edge cases: no overlap, perfect match, several golds, empty answers', () => {
    expect(f1('dog', 'cat')).toBe(0)
    expect(f1('The cat.', 'cat')).toBe(1)
    expect(f1('cat sat', ['xyz', 'cat sat', 'cat'])).toBe(1)
    // empty prediction against a non-empty gold → 0; both empty → 1 (SQuAD v2 rule)
    expect(f1('', 'cat')).toBe(0)
    expect(f1('the', '')).toBe(1)
    // golds that normalize to nothing are dropped when others remain
    expect(squadGolds(['the', 'Paris'])).toEqual(['Paris'])
    expect(squadGolds(['the', ''])).toEqual([''])
  })
})

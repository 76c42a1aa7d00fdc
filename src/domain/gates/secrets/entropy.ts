/**
 * Shannon entropy of a string in bits per character: -Σ p·log2(p) over its character
 * frequencies. 0 for '' and for one repeated character; at most log2(number of distinct chars).
 */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0
  const counts = new Map<string, number>()
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let length = 0
  for (const c of counts.values()) length += c
  let bits = 0
  for (const c of counts.values()) {
    const p = c / length
    bits -= p * Math.log2(p)
  }
  return bits
}

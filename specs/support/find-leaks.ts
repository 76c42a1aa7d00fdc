import { KeywordAutomaton } from '../../src/domain/gates/secrets/keyword-automaton.ts'

/**
 * Every place a needle occurs in a sink, described (`sink holds "needle" (owner): …context…`).
 * All needles are searched at once with the secrets gate's Aho–Corasick automaton (one table
 * lookup per byte), so thousands of needles over megabytes of sinks stay fast. Needles are ASCII.
 */
export function findLeaks(needles: ReadonlyMap<string, string>, sinks: Record<string, string>): string[] {
  const automaton = new KeywordAutomaton([...needles.keys()].map((n) => ({ keyword: n, value: n })))
  const found: string[] = []
  for (const [sink, text] of Object.entries(sinks)) {
    // latin1: one byte per UTF-16 unit, so byte offsets are string offsets.
    const hits = automaton.scan(Buffer.from(text, 'latin1'))
    for (let h = 0; h < hits.count; h++) {
      const end = (hits.ends[h] as number) + 1
      for (const needle of automaton.valuesAt(hits.states[h] as number)) {
        if (!text.startsWith(needle, end - needle.length)) continue // the automaton folds case
        const around = text.slice(Math.max(0, end - needle.length - 80), end + 40)
        found.push(`${sink} holds ${JSON.stringify(needle)} (${needles.get(needle)}): …${around}…`)
      }
    }
  }
  return found
}

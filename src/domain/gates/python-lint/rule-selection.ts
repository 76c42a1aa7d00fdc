/**
 * One config file's rule selection, as ruff keeps it per file of an `extend` chain: `select`
 * (replaces what came before when present), `extend-select`, and `ignore` + `extend-ignore`.
 * The same shape serves `fixable` / `extend-fixable` / `unfixable`.
 */
export interface SelectionLayer {
  select?: string[]
  extend: string[]
  ignore: string[]
}

/**
 * Folds an `extend` chain's selections (base first) into the single layer the WebAssembly build
 * accepts, giving the rule set ruff computes layer by layer: later files win over earlier ones
 * whatever the selectors' specificity, while inside one layer the more specific selector wins
 * (ignore on ties). An earlier selector that a later opposite one covers is dropped, so that it
 * cannot out-rank the later one by being more specific (`ignore = ["E501"]` in the base, then
 * `extend-select = ["E"]` in the child: E501 is on, as in ruff).
 */
export function flattenSelections(layers: readonly SelectionLayer[]): SelectionLayer {
  let flat: SelectionLayer = { extend: [], ignore: [] }
  let carried: string[] = []
  for (const layer of layers) {
    const ignore = [...carried, ...layer.ignore]
    carried = []
    if (layer.select !== undefined) {
      flat = { select: [...layer.select], extend: [...layer.extend], ignore }
      // ruff carries `ignore` over to the next file when this one selects nothing.
      if (layer.select.length === 0 && layer.extend.length === 0) carried = layer.ignore
      continue
    }
    const before = flat
    flat = {
      ...(before.select !== undefined
        ? { select: before.select.filter((s) => !ignore.some((i) => covers(i, s))) }
        : {}),
      extend: [...before.extend.filter((s) => !ignore.some((i) => covers(i, s))), ...layer.extend],
      ignore: [...before.ignore.filter((i) => !layer.extend.some((s) => covers(s, i))), ...ignore],
    }
  }
  return flat
}

/**
 * True when every rule `inner` selects is also selected by `outer`. Selectors are `ALL`, a
 * linter prefix (`E`, `PLR`, `C4`) or a code prefix (`E5`, `E501`): the letters name the linter
 * and the digits narrow it. `PL` covers `PLC`/`PLE`/`PLR`/`PLW`; `C` (C4 and C90) and `T` (T10
 * and T20) need no special case because their codes keep the single letter.
 */
export function covers(outer: string, inner: string): boolean {
  if (outer === 'ALL') return true
  if (inner === 'ALL') return false
  const [oa, od] = split(outer)
  const [ia, id] = split(inner)
  if (oa === ia) return id.startsWith(od)
  return oa === 'PL' && od === '' && /^PL[CERW]$/.test(ia)
}

// --- internal ---

function split(selector: string): [string, string] {
  const m = /^([A-Z]+)(.*)$/.exec(selector)
  return m ? [m[1] as string, m[2] as string] : [selector, '']
}

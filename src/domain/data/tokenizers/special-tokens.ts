import { UserError } from '../../../foundation/errors/user-error.ts'
import { pad, truncate } from './pad-truncate.ts'
import type { EncodeOptions, SpecialRole, SpecialTokenIds, SpecialTokenStrings } from './tokenizer.ts'

/** Roles in id order: special tokens are numbered after the regular vocabulary in this order. */
export const SPECIAL_ROLES: readonly SpecialRole[] = ['bos', 'eos', 'pad', 'unk']

/** Special tokens laid out after `base` regular ids: role → id, id → string. */
export interface SpecialTable {
  strings: SpecialTokenStrings
  ids: SpecialTokenIds
  byId: Map<number, string>
}

/** Checks the strings (non-empty, distinct) and numbers them from `base` in SPECIAL_ROLES order. */
export function specialTable(strings: SpecialTokenStrings, base: number, where: string): SpecialTable {
  const ids: SpecialTokenIds = {}
  const byId = new Map<number, string>()
  const seen = new Set<string>()
  const kept: SpecialTokenStrings = {}
  for (const key of Object.keys(strings)) {
    if (!SPECIAL_ROLES.includes(key as SpecialRole)) {
      throw new UserError(
        'TOKENIZER_SPECIAL',
        `${where}: unknown special token role "${key}"`,
        `use ${SPECIAL_ROLES.join(', ')}`,
      )
    }
  }
  let next = base
  for (const role of SPECIAL_ROLES) {
    const text = strings[role]
    if (text === undefined) continue
    if (typeof text !== 'string' || text.length === 0 || seen.has(text)) {
      throw new UserError(
        'TOKENIZER_SPECIAL',
        `${where}: special token ${role} must be a non-empty string distinct from the others, got ${JSON.stringify(text)}`,
        'e.g. { "bos": "<|bos|>", "eos": "<|eos|>", "pad": "<|pad|>" }',
      )
    }
    seen.add(text)
    kept[role] = text
    ids[role] = next
    byId.set(next, text)
    next++
  }
  return { strings: kept, ids, byId }
}

/**
 * The end of every `encode`: `content` cut to leave room for bos/eos within `maxLength`, wrapped
 * with them, then padded to `maxLength` when asked (see `EncodeOptions`).
 */
export function finishEncoding(
  content: number[],
  table: SpecialTable,
  options: EncodeOptions | undefined,
  who: string,
): number[] {
  const maxLength = options?.maxLength
  if (maxLength === undefined) {
    if (options?.padding) throw new Error(`${who}: padding needs maxLength`)
    return addSpecials(content, table, options, who)
  }
  const specials = (options?.addBos ? 1 : 0) + (options?.addEos ? 1 : 0)
  if (!Number.isInteger(maxLength) || maxLength < specials) {
    throw new RangeError(`${who}: maxLength must be an integer ≥ ${specials} (the bos/eos asked for), got ${maxLength}`)
  }
  const ids = addSpecials(truncate(content, maxLength - specials, options?.truncation), table, options, who)
  if (!options?.padding) return ids
  if (table.ids.pad === undefined) throw new Error(`${who}: padding asked but this tokenizer has no pad token`)
  return pad(ids, maxLength, table.ids.pad, options.padding)
}

/** Wraps `ids` with bos/eos as asked, naming the tokenizer when it lacks the token. */
function addSpecials(ids: number[], table: SpecialTable, options: EncodeOptions | undefined, who: string) {
  if (!options?.addBos && !options?.addEos) return ids
  if (options.addBos) {
    if (table.ids.bos === undefined) throw new Error(`${who}: addBos asked but this tokenizer has no bos token`)
    ids.unshift(table.ids.bos)
  }
  if (options.addEos) {
    if (table.ids.eos === undefined) throw new Error(`${who}: addEos asked but this tokenizer has no eos token`)
    ids.push(table.ids.eos)
  }
  return ids
}

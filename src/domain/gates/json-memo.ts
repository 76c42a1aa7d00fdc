import { mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'

/** A memo file (JSON object of key → answer); a missing, torn or foreign file reads as empty. */
export function readJsonMemo<T>(path: string): Record<string, T> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, T>) : {}
  } catch {
    return {}
  }
}

/** Writes the memo atomically, keeping its `keep` newest keys; an unwritable memo is only a later miss. */
export function writeJsonMemo<T>(path: string, memo: Record<string, T>, keep: number): void {
  const keys = Object.keys(memo)
  const kept = Object.fromEntries(keys.slice(Math.max(0, keys.length - keep)).map((k) => [k, memo[k]]))
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileAtomic(path, `${JSON.stringify(kept)}\n`)
  } catch {
    // An unwritable memo only costs the next run the work it saves.
  }
}

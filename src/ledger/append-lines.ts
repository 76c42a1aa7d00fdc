import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs'
import type { LedgerRecord } from './records.ts'

/**
 * Appends records to an NDJSON file, one per line, always starting on a fresh line: a file whose
 * last write was cut short (a crash, a full disk) ends mid-record, and a record appended onto that
 * line would be lost with it. Throws what the file system throws (ENOSPC, EACCES, EROFS).
 */
export function appendLines(file: string, records: readonly LedgerRecord[]): void {
  if (records.length === 0) return
  const fd = openSync(file, 'a+')
  try {
    const size = fstatSync(fd).size
    let text = records.map((r) => `${JSON.stringify(r)}\n`).join('')
    if (size > 0 && !endsWithNewline(fd, size)) text = `\n${text}`
    const bytes = Buffer.from(text)
    // writeSync may write less than asked (a nearly full disk): keep going until it throws.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done)
  } finally {
    closeSync(fd)
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1)
  readSync(fd, last, 0, 1, size - 1)
  return last[0] === 0x0a
}

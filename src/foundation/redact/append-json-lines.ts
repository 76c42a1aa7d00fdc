import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { secretEnvValues } from './env-secrets.ts'
import { maskValue } from './mask-value.ts'

/**
 * Appends each value as one JSON line, every string in it masked before it is encoded
 * (`maskValue`). The one writer of the JSON-lines logs (`.codex/errors.ndjson`, `.codex/bugs.log`,
 * the ledger's NDJSON fallback), so no line reaches them unmasked. Each append starts on a fresh
 * line: a file whose last write was cut short (a crash, a full disk) ends mid-record, and a record
 * appended onto that line would be lost with it. Creates the folder; throws what the file system
 * throws (ENOSPC, EACCES, EROFS).
 */
export function appendJsonLines(
  path: string,
  values: readonly unknown[],
  secrets: readonly string[] = secretEnvValues(),
): void {
  if (values.length === 0) return
  mkdirSync(dirname(path), { recursive: true })
  const fd = openSync(path, 'a+')
  try {
    const size = fstatSync(fd).size
    let text = values.map((value) => `${JSON.stringify(maskValue(value, secrets))}\n`).join('')
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

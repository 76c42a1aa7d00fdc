import type { HookFile } from '../../../../../src/domain/gates/pre-commit/hook-types.ts'

/** A HookFile from latin1 text (each char one byte), so specs can spell any byte. */
export function bin(path: string, latin1: string, extra: Partial<HookFile> = {}): HookFile {
  return { path, bytes: new Uint8Array(Buffer.from(latin1, 'latin1')), ...extra }
}

/** Bytes back as latin1 text, for readable expectations. */
export function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1')
}

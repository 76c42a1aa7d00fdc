import { StringDecoder } from 'node:string_decoder'
import type { Finding } from '../../domain/gates/finding.ts'
import type { RuffConfigFile } from '../../domain/gates/python-lint/load-ruff-chain.ts'
import type { PythonLintRequest } from '../../domain/gates/python-lint/python-lint-gate.ts'

/**
 * The warm ruff server's wire format: newline-delimited JSON over a per-user socket. On connect
 * the server sends `hello` with its identity (ruffServerIdentity); a client that expected another
 * identity closes the connection and never sends it a file. Each request carries an `id` the
 * answer repeats. Bump PROTOCOL when a message changes shape (it is part of the identity).
 */
export const PROTOCOL = 1

/** What the server says first. */
export interface ServerHello {
  type: 'hello'
  identity: string
  pid: number
}

export type ClientRequest =
  /** `validateRuffConfig` on each of `validate` in order (the configs the plan met), then `lintRequest` on each request. */
  | { type: 'lint'; id: number; validate: RuffConfigFile[]; requests: PythonLintRequest[] }
  | { type: 'status'; id: number }
  | { type: 'stop'; id: number }

export type ServerAnswer =
  /** `findings[i]` is `lintRequest(requests[i])`. */
  | { type: 'lint'; id: number; findings: Finding[][] }
  /** validateRuffConfig or lintRequest threw: what the in-process scan would throw (a UserError's code and hint too). */
  | { type: 'thrown'; id: number; message: string; code?: string; hint?: string }
  /** `warm`: ruff is compiled and warmed up in the server (lint requests before that wait for it). */
  | { type: 'status'; id: number; pid: number; served: number; startedAt: string; idleMs: number; warm: boolean }
  | { type: 'stopping'; id: number }
  /** A frame the server could not read: it closes the connection after this. */
  | { type: 'bad-frame'; id: number | null; message: string }

/** One frame: a JSON value on one line (JSON.stringify never emits a raw newline). */
export function frame(message: ServerHello | ClientRequest | ServerAnswer): string {
  return `${JSON.stringify(message)}\n`
}

/** The longest frame either side reads (a request carries whole files): longer is a bad frame. */
export const MAX_FRAME_CHARS = 256 * 1024 * 1024

/**
 * Splits a byte stream into lines; `onLine` gets each complete one (without its newline). UTF-8
 * split across chunks is decoded whole. `onTooLong` is called once a line passes MAX_FRAME_CHARS.
 */
export function lineReader(onLine: (line: string) => void, onTooLong: () => void): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  return (chunk) => {
    pending += decoder.write(chunk)
    if (pending.length > MAX_FRAME_CHARS && !pending.includes('\n')) {
      pending = ''
      onTooLong()
      return
    }
    let end = pending.indexOf('\n')
    while (end !== -1) {
      const line = pending.slice(0, end)
      pending = pending.slice(end + 1)
      if (line) onLine(line)
      end = pending.indexOf('\n')
    }
  }
}

import type { ErrorCode } from './error-codes.ts'

/** Exit codes, in one place: 0 ok, 1 a gate or test failed, 2 bad usage or input, 3 a bug. */
export const EXIT = { ok: 0, failed: 1, usage: 2, bug: 3, interrupted: 130 } as const

/**
 * The one user-facing error: a stable `code`, a message naming the file, field or flag, and a
 * hint that says the next step. CLIs print message + hint and exit 2, never a stack.
 */
export class UserError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly exitCode: number

  constructor(code: ErrorCode, message: string, hint?: string, exitCode: number = EXIT.usage) {
    super(message)
    this.name = 'UserError'
    this.code = code
    this.hint = hint
    this.exitCode = exitCode
  }
}

/** True for errors that should be shown to the user without a stack. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

/** `message` of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

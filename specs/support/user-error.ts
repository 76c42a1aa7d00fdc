import { expect } from 'vitest'
import { UserError } from '../../src/foundation/errors/user-error.ts'

/** The UserError `fn` throws (anything else, or nothing, fails the spec). */
export function userErrorFrom(fn: () => unknown): UserError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error('expected a UserError')
}

/** The UserError `promise` rejects with (anything else, or resolving, fails the spec). */
export async function userErrorOf(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => new Error('expected a UserError, but it resolved'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

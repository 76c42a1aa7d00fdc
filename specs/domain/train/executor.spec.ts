import { describe, expect, test } from 'vitest'
import { EXECUTORS, requireDependency, resolveExecutor } from '../../../src/domain/train/executor.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'

describe('resolveExecutor()', () => {
  test('ts is always there', async () => {
    const ts = await resolveExecutor('ts')
    expect(ts.name).toBe('ts')
    expect(ts.device).toBe('cpu (ts, 1 thread)')
  })

  test('an unknown backend lists the valid ones', async () => {
    await expect(resolveExecutor('cuda')).rejects.toMatchObject({
      code: 'BACKEND_UNKNOWN',
      hint: 'choose one of: ts, ort-cpu, ort-webgpu',
    })
  })

  test('a backend whose dependency is present but whose executor is not registered is a UserError naming --backend ts', async () => {
    const saved = EXECUTORS['ort-cpu']
    delete EXECUTORS['ort-cpu']
    try {
      const error = await resolveExecutor('ort-cpu').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UserError)
      expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', hint: 'train with `--backend ts`' })
    } finally {
      if (saved) EXECUTORS['ort-cpu'] = saved
    }
  })

  test('a missing package names the install command and --backend ts', async () => {
    const error = (await requireDependency('ort-cpu', 'codex-no-such-package').catch((e: unknown) => e)) as UserError
    expect(error.code).toBe('BACKEND_DEPENDENCY_MISSING')
    expect(error.message).toBe(
      'backend ort-cpu needs the optional package codex-no-such-package, which is not installed',
    )
    expect(error.hint).toBe(
      'install it with `npm i codex-no-such-package`, or train on the built-in executor with `--backend ts`',
    )
  })
})

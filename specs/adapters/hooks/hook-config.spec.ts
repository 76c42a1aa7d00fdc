import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { configKey, loadHookConfig } from '../../../src/adapters/hooks/hook-config.ts'
import { UserError } from '../../../src/foundation/errors/user-error.ts'
import { tempDir } from '../../support/temp-dir.ts'

function rootWith(config: unknown): string {
  const root = tempDir('hook-config-')
  mkdirSync(join(root, 'configs'))
  writeFileSync(join(root, 'configs', 'gates.json'), JSON.stringify(config))
  return root
}

const env = { ...process.env, CODEX_GATES_CONFIG: undefined }

describe('loadHookConfig()', () => {
  test('validates once, then answers from the cache for the same config blob', async () => {
    const root = rootWith({ gates: { secrets: { min_length: 20 } } })
    const cache = join(tempDir('cache-'), 'codex-gates', 'hook-config.json')
    const first = await loadHookConfig(root, 'blob-1', cache, env)
    expect(first.gates.secrets.min_length).toBe(20)
    expect(first.gates.lint.enabled).toBe(true) // defaults filled in
    rmSync(join(root, 'configs', 'gates.json')) // a hit never reads the file again
    const second = await loadHookConfig(root, 'blob-1', cache, env)
    expect(second.gates).toEqual(first.gates)
    expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')))).toEqual([configKey('blob-1', env)])
  })

  test('another blob id is a miss; an invalid config is a UserError and is not cached', async () => {
    const root = rootWith({ gates: { secrets: { min_lenght: 20 } } })
    const cache = join(tempDir('cache-'), 'hook-config.json')
    const error = await loadHookConfig(root, 'blob-2', cache, env).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).message).toContain('/gates/secrets/min_lenght is not a known setting')
    expect(() => readFileSync(cache)).toThrow()
  })

  test('the key follows the config identity, and CODEX_GATES_CONFIG by its bytes', () => {
    expect(configKey('a', env)).not.toBe(configKey('b', env))
    expect(configKey(undefined, env)).toBe(configKey(undefined, env))
    const file = join(tempDir('cfg-'), 'gates.json')
    writeFileSync(file, '{}')
    const before = configKey('a', { ...env, CODEX_GATES_CONFIG: file })
    writeFileSync(file, '{"gates":{}}')
    expect(configKey('a', { ...env, CODEX_GATES_CONFIG: file })).not.toBe(before)
  })
})

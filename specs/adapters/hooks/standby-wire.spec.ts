// The standby's frames (standby-protocol.cjs) arrive whole and in order however the socket splits
// them, and the environment check (standby-env.cjs) names the first variable that differs where
// the standby's code read it, never a value.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { envChange, standbyEnv, trackEnv } from '../../../src/adapters/hooks/standby-env.cjs'
import { frame, frameReader } from '../../../src/adapters/hooks/standby-protocol.cjs'

describe('standby frames', () => {
  test('any frames, cut at any points, read back as written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(0x61, 0x72, 0x6f, 0x65, 0x78), fc.uint8Array({ maxLength: 300 })), {
          maxLength: 20,
        }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(frames.map(([type, payload]) => frame(type, payload)))
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          const read: [number, number[]][] = []
          const push = frameReader((type, payload) => read.push([type, [...payload]]))
          let at = 0
          for (const point of [...points, bytes.length]) {
            push(bytes.subarray(at, point))
            at = point
          }
          expect(read).toEqual(frames.map(([type, payload]) => [type, [...payload]]))
        },
      ),
    )
  })
})

describe('standby environment', () => {
  test('a standby starts without git per-commit variables', () => {
    expect(standbyEnv({ GIT_INDEX_FILE: '.git/index', GIT_DIR: '.git', PATH: '/bin', HOME: '/h' })).toEqual({
      PATH: '/bin',
      HOME: '/h',
    })
  })

  test('the names read while tracking are compared; NODE_* and the launcher settings always', () => {
    const before = process.env.CODEX_STANDBY_SPEC_A
    process.env.CODEX_STANDBY_SPEC_A = 'x'
    const tracking = trackEnv()
    void process.env.CODEX_STANDBY_SPEC_A
    void ('CODEX_STANDBY_SPEC_B' in process.env)
    const read = tracking.stop()
    if (before === undefined) delete process.env.CODEX_STANDBY_SPEC_A
    else process.env.CODEX_STANDBY_SPEC_A = before
    expect(read).toEqual(new Set(['CODEX_STANDBY_SPEC_A', 'CODEX_STANDBY_SPEC_B']))
    const own = { CODEX_STANDBY_SPEC_A: 'x', OTHER: '1', NODE_OPTIONS: '' }
    expect(
      envChange(own, { ...own, OTHER: '2', GIT_INDEX_FILE: 'i' }, new Set([...read, 'GIT_INDEX_FILE'])),
    ).toBeUndefined()
    expect(envChange(own, { ...own, CODEX_STANDBY_SPEC_A: 'secret-value' }, read)).toBe('CODEX_STANDBY_SPEC_A')
    expect(envChange(own, { ...own, CODEX_STANDBY_SPEC_B: '' }, read)).toBe('CODEX_STANDBY_SPEC_B')
    expect(envChange(own, { ...own, NODE_OPTIONS: '--inspect' }, read)).toBe('NODE_OPTIONS')
    expect(envChange(own, { ...own, CODEX_HOOK_RUNNER: 'tsx' }, new Set())).toBe('CODEX_HOOK_RUNNER')
  })

  test('a listing of the whole environment while tracking compares all of it but GIT_*', () => {
    const tracking = trackEnv()
    void Object.keys(process.env)
    const read = tracking.stop()
    expect(read).toBe('all')
    expect(envChange({ A: '1' }, { A: '1', GIT_INDEX_FILE: 'x' }, read)).toBeUndefined()
    expect(envChange({ A: '1' }, { A: '1', B: '2' }, read)).toBe('B')
  })
})

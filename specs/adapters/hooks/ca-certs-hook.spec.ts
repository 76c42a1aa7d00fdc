// The hook scripts start the hook's own node without NODE_EXTRA_CA_CERTS (Node parses the whole
// file before any code runs; the hook makes no TLS connection) and the hook gives it back to the
// tools it runs. A path that cannot be read shows which process loaded it: Node warns at start.
import { describe, expect, test } from 'vitest'
import { withCaCerts } from '../../../src/app/hook/ca-certs.ts'
import { hookRepo } from './hook-repo.ts'

const SLOW = 120_000
const CERTS = '/nonexistent/codex-gates-spec-ca.pem'
const NODE_WARNS = /Ignoring extra certs/

describe('NODE_EXTRA_CA_CERTS in the hooks', () => {
  test(
    "the hook's node starts without it; a command gate the hook runs sees it as git gave it, and nothing else",
    () => {
      const repo = hookRepo()
      const check = `[ "$NODE_EXTRA_CA_CERTS" = ${CERTS} ] && [ -z "\${CODEX_HOOK_CA_CERTS+set}" ]`
      repo.write(
        'codex-gates.json',
        `${JSON.stringify({ gates: { certs: { run: ['sh', '-c', check], stages: ['commit'] } } })}\n`,
      )
      repo.write('a.txt', 'a\n')
      repo.git(['add', '.'])
      const run = repo.git(['commit', '-m', 'one'], { NODE_EXTRA_CA_CERTS: CERTS })
      expect(run.code, run.output).toBe(0)
      expect(run.stderr).toMatch(/certs \d+ms ✓/)
      expect(run.output).not.toMatch(NODE_WARNS) // neither pre-commit's node nor post-commit's loaded it
      // Without it set, the gate fails: it did see the variable above.
      repo.write('a.txt', 'b\n')
      repo.git(['add', '.'])
      const unset = repo.git(['commit', '-m', 'two'])
      expect(unset.code).not.toBe(0)
      expect(unset.stderr).toContain('certs')
    },
    SLOW,
  )

  test('withCaCerts gives the variable back, or leaves it unset when it was empty', () => {
    const env = { PATH: '/bin', CODEX_HOOK_CA_CERTS: '/etc/ca.pem' }
    expect(withCaCerts(env)).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' })
    expect(withCaCerts({ PATH: '/bin', CODEX_HOOK_CA_CERTS: '' })).toEqual({ PATH: '/bin' })
    // init's hook scripts pass it empty to the hook's node (prefix assignments): the empty one goes.
    const initStyle = { PATH: '/bin', CODEX_HOOK_CA_CERTS: '/etc/ca.pem', NODE_EXTRA_CA_CERTS: '' }
    expect(withCaCerts(initStyle)).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' })
    expect(withCaCerts({ PATH: '/bin', CODEX_HOOK_CA_CERTS: '', NODE_EXTRA_CA_CERTS: '' })).toEqual({ PATH: '/bin' })
    const untouched = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/x.pem' }
    expect(withCaCerts(untouched)).toBe(untouched)
  })
})

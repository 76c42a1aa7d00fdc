import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { HookSession } from '../../../src/adapters/hooks/hook-session.ts'
import { readSessionLedger } from '../../../src/adapters/hooks/read-ledger.ts'
import { hiddenHere } from '../../../src/adapters/vitest/drift-projects.ts'
import type { Ledger } from '../../../src/ledger/ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'

const NO_GIT = { sha: null, branch: null, dirty: null, tree: null }

afterEach(() => {
  vi.unstubAllEnvs()
})

function startedSession(ledgerPath: string, warnings: string[]): HookSession {
  vi.stubEnv('CODEX_LEDGER', ledgerPath)
  const session = new HookSession({
    kind: 'post-commit',
    command: 'post-commit',
    argv: [],
    warn: (line) => warnings.push(line),
  })
  session.start(NO_GIT)
  return session
}

describe('readSessionLedger()', () => {
  test.skipIf(hiddenHere().includes('better-sqlite3'))(
    "reads through the session's own connection (no second open) and leaves it open for the session",
    () => {
      const session = startedSession(join(tempDir('read-ledger-'), 'ledger.db'), [])
      const own = session.connection as Ledger
      expect(own).toBeDefined()
      const seen = readSessionLedger(session, (ledger) => {
        expect(ledger).toBe(own)
        return ledger?.all<{ id: string; status: string }>('SELECT id, status FROM sessions')
      })
      expect(seen).toEqual([{ id: session.id, status: 'running' }])
      // Still open: the session's final transaction goes through it.
      expect(own.all('SELECT 1 AS one')).toEqual([{ one: 1 }])
      session.finish('passed')
    },
  )

  test('a session whose ledger is unusable: no connection of its own, and the read gets what a read-only open gives', () => {
    const dir = tempDir('read-ledger-dir-')
    const ledgerPath = join(dir, 'ledger.db')
    mkdirSync(ledgerPath) // a folder where the ledger should be: the session degrades to the fallback
    const warnings: string[] = []
    const session = startedSession(ledgerPath, warnings)
    expect(session.connection).toBeUndefined()
    expect(warnings.join('\n')).toContain('is a directory')
    expect(readSessionLedger(session, (ledger) => ledger)).toBeUndefined()
    session.finish('passed')
  })
})

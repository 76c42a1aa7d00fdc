import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { prepareCommand } from '../../../src/app/data/prepare-command.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { openLedger } from '../../../src/ledger/open-ledger.ts'
import { tempDir } from '../../support/temp-dir.ts'

function setup() {
  const dir = tempDir()
  const config = join(dir, 'qa.json')
  writeFileSync(
    config,
    JSON.stringify({
      name: 'qa',
      source: join('specs', 'fixtures', 'data', 'qa.jsonl'),
      record_schema: 'prompt-completion',
      seed: 3,
      splits: { train: 0.5, val: 0.5 },
      artifacts_dir: join(dir, 'artifacts'),
      safety: { policy: join('configs', 'datasets', 'safety-policy.json') },
      tokenizer: { kind: 'char' },
    }),
  )
  return { dir, config, ledger: join(dir, 'ledger.db') }
}

async function run(argv: string[]) {
  const io = memoryIo({ env: process.env })
  const code = await runCommand(prepareCommand, argv, io, 'npm run train -- prepare')
  return { code, out: io.out, err: io.err }
}

describe('prepareCommand()', () => {
  test('prepares, then reuses, recording each run in the ledger', async () => {
    const s = setup()
    const first = await run(['--config', s.config, '--ledger', s.ledger])
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/^prepared qa: 3 records \(train=\d+ val=\d+\) in .*artifacts\/qa\/[0-9a-f]{16}\n/)
    expect(first.out).toMatch(/tokenizer char:[0-9a-f]{8} \(char, vocab \d+\)/)
    const second = await run(['--config', s.config, '--ledger', s.ledger])
    expect(second.out).toMatch(/^reused qa: 3 records/)
    const ledger = openLedger(s.ledger)
    try {
      expect(ledger.all('SELECT kind, status FROM sessions')).toEqual([
        { kind: 'prepare', status: 'passed' },
        { kind: 'prepare', status: 'passed' },
      ])
      const artifacts = ledger.all<{ kind: string; session_id: string }>('SELECT kind, session_id FROM artifacts')
      expect(artifacts.map((a) => a.kind)).toEqual(['dataset-manifest', 'dataset-manifest'])
      // each artifact row belongs to the session its run wrote
      const sessions = ledger.all<{ id: string }>('SELECT id FROM sessions').map((r) => r.id)
      expect(sessions.sort()).toEqual(artifacts.map((a) => a.session_id).sort())
    } finally {
      ledger.close()
    }
  })

  test('--bypass-safety and --skip-invalid override the config; the bypass is a warn event', async () => {
    const s = setup()
    const result = await run(['--config', s.config, '--ledger', s.ledger, '--bypass-safety', '--skip-invalid'])
    expect(result.err).toContain('warning: safety filter bypassed for dataset qa')
    const ledger = openLedger(s.ledger)
    try {
      expect(ledger.all('SELECT role, level, message FROM events')).toEqual([
        { role: 'system', level: 'warn', message: 'safety filter bypassed for dataset qa' },
      ])
    } finally {
      ledger.close()
    }
  })

  test('an unusable ledger is a warning, not a failure', async () => {
    const s = setup()
    mkdirSync(join(s.dir, 'a-dir.db'))
    const result = await run(['--config', s.config, '--ledger', join(s.dir, 'a-dir.db')])
    expect(result.code).toBe(0)
    expect(result.err).toMatch(/warning: could not record the manifest in .*a-dir\.db/)
  })

  test('usage errors', async () => {
    await expect(run([])).rejects.toThrow(/--config FILE is required/)
    await expect(run(['x.json'])).rejects.toThrow(/unexpected argument "x\.json"/)
    await expect(run(['--config', 'specs/fixtures/data/none.json'])).rejects.toThrow(/cannot read dataset config/)
    expect((await run(['--help'])).out).toContain('--skip-invalid')
  })
})

import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { statusCli } from '../../../src/app/report/status-command.ts'
import { statusDocument } from '../../../src/domain/report/status-document.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { at, caseRecs, type Fixture, fixtureLedger, gateRecs, seedManySessions, sessionRec } from './fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => {
  fixture?.cleanup()
  vi.restoreAllMocks()
})

/** A small repository to map: tracked files, a README'd folder, an ignored folder. */
function makeRepo(dir: string): string {
  const root = join(dir, 'repo')
  for (const d of ['src/domain/report', 'src/ledger', 'notes', 'build']) mkdirSync(join(root, d), { recursive: true })
  writeFileSync(join(root, 'package.json'), '{}\n')
  writeFileSync(join(root, '.gitignore'), 'build/\n')
  writeFileSync(join(root, 'src/domain/report/a.ts'), '\n')
  writeFileSync(join(root, 'src/ledger/b.ts'), '\n')
  writeFileSync(join(root, 'notes/README.md'), '# Notes\n\nDesign notes for the team.\n')
  writeFileSync(join(root, 'mystery.txt'), '?\n')
  writeFileSync(join(root, 'build/out.js'), '\n')
  execFileSync('git', ['init', '-q'], { cwd: root })
  return root
}

describe('statusDocument()', () => {
  test('repo map, placeholder scan, capabilities, outstanding questions and deferred items', () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    const doc = statusDocument(fixture.ledger, { root: makeRepo(fixture.dir), envSecrets: [] })
    expect(doc.match(/^## .*/gm)).toEqual([
      '## Repo map',
      '## Placeholder scan',
      '## Capabilities',
      '## Outstanding questions',
      '## Deferred items',
    ])
    expect(doc).toContain(
      '_From the ledger as of session `s12` (vitest, failed, 2025-03-13 00:00:00Z); 12 sessions recorded.',
    )
    expect(section(doc, 'Repo map')).toBe(
      [
        '| path | purpose |',
        '| --- | --- |',
        '| `.gitignore` | ignored paths: node_modules, .codex/ ledger, generated reports |',
        '| `mystery.txt` | (purpose not recorded: add it to PURPOSES in src/domain/report/repo-map.ts or a README.md) |',
        '| `notes/` | Design notes for the team. |',
        '| `package.json` | npm scripts and pinned dependencies |',
        '| `src/` | the library in five layers, each importing only from those listed before it |',
        '| `src/domain/` | layer 3: gates, data, training, checkpoints, eval, coverage, reports, monitor |',
        '| `src/ledger/` | layer 2: the SQLite session ledger: schema, migrations, writer, queries, import, meta contracts |',
      ].join('\n'),
    )
    expect(section(doc, 'Placeholder scan')).toContain(
      'From the placeholders gate in session `s12` (2025-03-13): 2 in 2 files.',
    )
    expect(section(doc, 'Placeholder scan')).toContain(
      '| `src/eval/bleu.ts:88` | warn | fixme | FIX\u004dE: smoothing |',
    )
    expect(section(doc, 'Capabilities')).toBe(
      [
        '| capability | latest verdict | date | session | note |',
        '| --- | --- | --- | --- | --- |',
        '| project drift:without-onnxruntime-node | passed | 2025-03-13 | `s12` | 5 passed, 0 failed, 2 skipped |',
        '| project gates | passed | 2025-03-13 | `s12` | 2 passed, 0 failed, 1 skipped |',
        '| project unit | failed | 2025-03-13 | `s12` | 3 passed, 1 failed, 0 skipped |',
        '| gate licenses | skipped | 2025-03-13 | `s12` | no production dependencies changed |',
        '| gate placeholders | passed | 2025-03-13 | `s12` |  |',
        '| gate secrets | passed | 2025-03-13 | `s12` |  |',
      ].join('\n'),
    )
    const questions = section(doc, 'Outstanding questions')
    expect(questions.split('\n')[0]).toBe(
      '1 open, 3 resolved. A question resolves when a later session passes the same test or gate.',
    )
    expect(questions).toMatch(
      /\| Open \| `[0-9a-f]{12}` \| 2025-03-08 \| 2025-03-13 \| test "loads weights" \| ENOENT: no such file or directory, open '\/tmp\/run-12\/weights.bin' \| open: failing since 2025-03-08, last on 2025-03-13;/,
    )
    expect(questions).toMatch(
      /\| Resolved \| `[0-9a-f]{12}` \| 2025-03-07 \| 2025-03-07 \| running the secrets gate \| secrets: 1 blocking finding\(s\) \| resolved: gate secrets passed in session s07 on 2025-03-08 \|/,
    )
    expect(section(doc, 'Deferred items')).toBe(
      [
        '- gate licenses skipped (2025-03-13): no production dependencies changed',
        '- drift:without-onnxruntime-node: 2 tests skipped: onnxruntime-node is not installed (e.g. exports onnx)',
      ].join('\n'),
    )
  })

  test('a cached placeholders run reports the findings of the session it reused', () => {
    fixture = fixtureLedger()
    fixture.ledger.write([
      sessionRec('p1', at(0)),
      ...gateRecs('p1', 'placeholders', 'passed', [
        { rule: 'todo', file: 'src/a.ts', line: 3, message: 'TO\u0044O: a', severity: 'warn' },
      ]),
      sessionRec('p2', at(1)),
      ...gateRecs('p2', 'placeholders', 'cached', [], { cachedFrom: 'p1' }),
    ])
    expect(
      section(statusDocument(fixture.ledger, { root: fixture.dir, envSecrets: [] }), 'Placeholder scan'),
    ).toContain('From the placeholders gate in session `p1` (2025-03-01): 1 in 1 files.')
  })

  test('an empty ledger says what to run', () => {
    fixture = fixtureLedger()
    const doc = statusDocument(fixture.ledger, { root: fixture.dir, envSecrets: [] })
    expect(doc).toContain(
      '_The ledger holds no sessions yet: run `npm test` or `npm run gates`, then `npm run status`._',
    )
    expect(section(doc, 'Placeholder scan')).toBe('The placeholders gate has not run yet: `npm run gates` runs it.')
    expect(section(doc, 'Capabilities')).toBe('No project or gate has run yet.')
    expect(section(doc, 'Outstanding questions')).toBe('None: the ledger is empty.')
  })
})

describe('npm run status (statusCli)', () => {
  test('regenerating with no new session gives a byte-identical file; a new session changes it', async () => {
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger, 6)
    const out = join(fixture.dir, 'status', 'STATUS.md')
    const root = makeRepo(fixture.dir)
    const argv = ['--ledger', fixture.ledgerPath, '--out', out, '--root', root]
    const io = memoryIo()
    const statusCommand = (args: string[]) => runCommand(statusCli, args, io)
    expect(await statusCommand(argv)).toBe(0)
    const first = readFileSync(out)
    expect(await statusCommand(argv)).toBe(0)
    expect(readFileSync(out).equals(first)).toBe(true)
    expect(io.out).toEqual([`wrote ${out}\n`, `${out} is up to date (no new sessions since it was written)\n`].join(''))

    fixture.ledger.write([sessionRec('s07', at(24 * 7)), ...caseRecs('s07', { name: 'adds numbers' })])
    expect(await statusCommand(argv)).toBe(0)
    expect(readFileSync(out).equals(first)).toBe(false)
    expect(readFileSync(out, 'utf8')).toContain('as of session `s07`')
  })

  test('bad usage names the flag', async () => {
    const statusCommand = (args: string[]) => runCommand(statusCli, args, memoryIo())
    await expect(statusCommand(['--rot', '.'])).rejects.toThrowErrorMatchingInlineSnapshot(
      `[UserError: npm run status --: unknown option --rot]`,
    )
    await expect(statusCommand(['extra'])).rejects.toThrow('npm run status --: unexpected argument "extra"')
  })
})

/** The body of a `## title` section, trimmed. */
function section(doc: string, title: string): string {
  const start = doc.indexOf(`## ${title}\n`)
  if (start < 0) throw new Error(`no section ${title}`)
  const body = doc.slice(start + title.length + 4)
  const end = body.indexOf('\n## ')
  return (end < 0 ? body : body.slice(0, end)).trim()
}

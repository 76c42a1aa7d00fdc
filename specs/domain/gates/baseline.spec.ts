import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  applyBaseline,
  BASELINED,
  baselineFile,
  buildBaseline,
  formatBaseline,
  readBaseline,
} from '../../../src/domain/gates/baseline.ts'
import { type Finding, makeFinding } from '../../../src/domain/gates/finding.ts'
import { runGate } from '../../../src/domain/gates/run-gate.ts'
import { allFakeSecrets } from '../../../src/domain/gates/secrets/fake-secrets.ts'
import { maskSecret } from '../../../src/foundation/redact/redact.ts'
import { tempDir, tempRepo } from './_temp-repo.ts'

const finding = (file: string, identity: string, severity: Finding['severity'] = 'error', line = 1) =>
  makeFinding({
    gate: 'duplicates',
    rule: 'r',
    severity,
    file,
    line,
    message: `m ${identity}`,
    remediation: 'x',
    identity,
  })

describe('buildBaseline()', () => {
  test('groups blocking findings by fingerprint with counts, in file order; warnings are left out', () => {
    const b = buildBaseline('duplicates', [
      finding('b.py', 'one'),
      finding('a.py', 'two'),
      finding('b.py', 'one', 'error', 9),
      finding('c.py', 'three', 'warn'),
    ])
    expect(b.entries.map((e) => [e.file, e.count])).toEqual([
      ['a.py', 1],
      ['b.py', 2],
    ])
    expect(b).toMatchObject({ version: 1, gate: 'duplicates' })
  })
})

describe('applyBaseline()', () => {
  test('accepted findings become warnings marked baselined, up to their count; new ones still block', () => {
    const baseline = buildBaseline('duplicates', [finding('a.py', 'x')])
    const out = applyBaseline([finding('a.py', 'x', 'error', 40), finding('a.py', 'x'), finding('a.py', 'y')], baseline)
    expect(out.map((f) => [f.severity, f.message])).toEqual([
      ['warn', `m x${BASELINED}`],
      ['error', 'm x'],
      ['error', 'm y'],
    ])
  })

  test('property: with the baseline of the same findings nothing blocks, and the count of findings is kept', () => {
    const arb = fc.array(
      fc.record({ file: fc.constantFrom('a', 'b', 'c'), id: fc.constantFrom('1', '2', '3'), warn: fc.boolean() }),
      { maxLength: 30 },
    )
    fc.assert(
      fc.property(arb, arb, (today, later) => {
        const now = today.map((x) => finding(x.file, x.id, x.warn ? 'warn' : 'error'))
        const baseline = buildBaseline('duplicates', now)
        expect(applyBaseline(now, baseline).some((f) => f.severity === 'error')).toBe(false)
        // Adding findings blocks exactly the ones over their accepted count.
        const next = [...now, ...later.map((x) => finding(x.file, x.id))]
        const blocking = applyBaseline(next, baseline).filter((f) => f.severity === 'error').length
        const accepted = baseline.entries.reduce((n, e) => n + e.count, 0)
        const errors = next.filter((f) => f.severity === 'error').length
        expect(blocking).toBe(errors - accepted)
      }),
    )
  })
})

describe('readBaseline()', () => {
  test('absent is undefined; what formatBaseline wrote reads back; a malformed file names itself and the fix', () => {
    const root = tempDir('baseline-')
    const rel = baselineFile('.codex-gates/baselines/', 'duplicates')
    expect(rel).toBe('.codex-gates/baselines/duplicates.json')
    expect(readBaseline(root, 'nope.json', 'duplicates')).toBeUndefined()
    const b = buildBaseline('duplicates', [finding('a.py', 'x')])
    writeFileSync(join(root, 'b.json'), formatBaseline(b))
    expect(readBaseline(root, 'b.json', 'duplicates')).toEqual(b)
    expect(() => readBaseline(root, 'b.json', 'secrets')).toThrow(
      'b.json: /gate is "duplicates", but this is the secrets gate\'s baseline',
    )
    writeFileSync(join(root, 'bad.json'), '{"version":1,"gate":"secrets","entries":[{"fingerprint":"zz","count":1}]}')
    expect(() => readBaseline(root, 'bad.json', 'secrets')).toThrow(
      'bad.json: /entries/0/fingerprint must be 16 lowercase hex characters',
    )
    const problems: [string, string][] = [
      ['[]', 'must be a JSON object'],
      ['{"version":2,"gate":"secrets","entries":[]}', '/version must be 1'],
      ['{"version":1,"gate":"secrets","entries":{}}', '/entries must be an array'],
      [
        '{"version":1,"gate":"secrets","entries":[{"fingerprint":"0123456789abcdef","count":0}]}',
        '/entries/0/count must be a whole number ≥ 1',
      ],
    ]
    for (const [text, problem] of problems) {
      writeFileSync(join(root, 'p.json'), text)
      expect(() => readBaseline(root, 'p.json', 'secrets')).toThrow(`p.json: ${problem}`)
    }
    writeFileSync(join(root, 'broken.json'), '{')
    try {
      readBaseline(root, 'broken.json', 'secrets')
      expect.unreachable()
    } catch (error) {
      expect((error as { hint: string }).hint).toBe(
        'rewrite it with `npm run gates -- baseline secrets`, or delete it to accept nothing',
      )
    }
  })
})

describe('runGate() with a baseline', () => {
  test('secrets: the baseline holds no part of the secret; accepted ones warn, a new one blocks with file:line', async () => {
    const [first, second] = allFakeSecrets(7).filter((s) => s.rule.startsWith('aws'))
    if (!first || !second) throw new Error('fixture: two AWS fakes expected')
    const root = tempRepo({ 'conf/a.txt': `x\n${first.text}\n` }, { git: true })
    const env = { CODEX_GATES_NO_CACHE: '1', CODEX_GATES_REPORTS: join(tempDir(), 'reports') }
    const raw = await runGate('secrets', { root, env, baseline: false })
    expect(raw.status).toBe('failed')
    const text = formatBaseline(buildBaseline('secrets', raw.findings))
    for (const leak of [first.secret, first.secret.slice(4), maskSecret(first.secret)]) expect(text).not.toContain(leak)
    const path = join(root, '.codex-gates', 'baselines', 'secrets.json')
    mkdirSync(join(root, '.codex-gates', 'baselines'), { recursive: true })
    writeFileSync(path, text)

    const held = await runGate('secrets', { root, env })
    expect(held.status).toBe('passed')
    expect(held.findings.map((f) => [f.severity, f.file, f.line, f.message.endsWith(BASELINED)])).toEqual([
      ['warn', 'conf/a.txt', 2, true],
    ])

    writeFileSync(join(root, 'conf', 'b.txt'), `\n\n${second.text}\n`)
    execFileSync('git', ['add', 'conf/b.txt'], { cwd: root })
    const fresh = await runGate('secrets', { root, env })
    expect(fresh.status).toBe('failed')
    expect(fresh.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line}`)).toEqual([
      'conf/b.txt:3',
    ])
    expect(readFileSync(path, 'utf8')).toBe(text)
  })

  test('the cache key covers the baseline: rewriting it re-judges a cached result', async () => {
    const root = tempRepo({ 'a.py': 'x = 1\n', 'b.py': 'x = 1\n' }, { git: true })
    const env = { CODEX_GATE_CACHE: join(tempDir(), 'cache.json'), CODEX_GATES_REPORTS: join(tempDir(), 'r') }
    expect((await runGate('duplicates', { root, env })).status).toBe('failed')
    const raw = await runGate('duplicates', { root, env, baseline: false })
    mkdirSync(join(root, '.codex-gates', 'baselines'), { recursive: true })
    writeFileSync(
      join(root, '.codex-gates', 'baselines', 'duplicates.json'),
      formatBaseline(buildBaseline('duplicates', raw.findings)),
    )
    const first = await runGate('duplicates', { root, env })
    expect(first.status).toBe('passed')
    expect((await runGate('duplicates', { root, env })).status).toBe('cached')
    writeFileSync(
      join(root, '.codex-gates', 'baselines', 'duplicates.json'),
      formatBaseline(buildBaseline('duplicates', [])),
    )
    expect((await runGate('duplicates', { root, env })).status).toBe('failed')
  })
})

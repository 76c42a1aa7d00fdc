import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../src/gates/gates-config.ts'
import {
  buildPlaceholderBaseline,
  collectPlaceholders,
  findPlaceholders,
  readPlaceholderBaseline,
  scanPlaceholders,
} from '../../src/gates/placeholders.ts'
import { tempRepo } from './_temp-repo.ts'

// The marker words are assembled here so that this spec does not count as holding placeholders.
const todoWord = ['TO', 'DO'].join('')
const fixmeWord = ['FIX', 'ME'].join('')
const notImplemented = ['NotImplemented', 'Error'].join('')

describe('findPlaceholders()', () => {
  test('markers, not-implemented throws and stub bodies in scripts', () => {
    const py = [
      `# ${todoWord}: handle empty batches`,
      'def train(x):',
      '    pass',
      '',
      'def forward(self):',
      '    ...',
      'def real(x):',
      '    pass  # placeholder for now',
      '    return x',
      'class A:',
      '    @abstractmethod',
      '    def step(self):',
      '        ...',
      '    def run(self):',
      `        raise ${notImplemented}`,
    ].join('\n')
    expect(findPlaceholders('m.py', py).map((p) => `${p.line} ${p.kind}`)).toEqual([
      `1 marker ${todoWord}`,
      '2 stub body',
      '5 stub body',
      '15 not implemented',
    ])
    const ts = [
      `// ${fixmeWord} later`,
      'export function later(): void {}',
      `  throw new Error('${['not', 'implemented'].join(' ')}')`,
      'const noop = () => {}',
    ].join('\n')
    expect(findPlaceholders('a.ts', ts).map((p) => `${p.line} ${p.kind}`)).toEqual([
      `1 marker ${fixmeWord}`,
      '2 stub body',
      '3 not implemented',
    ])
  })

  test('non-script files count markers only; lowercase words are not markers', () => {
    expect(
      findPlaceholders('notes.md', `- ${todoWord} write docs\n- the todo list\n- def f():\n    pass`).map(
        (p) => p.line,
      ),
    ).toEqual([1])
  })
})

describe('scanPlaceholders() ratchet', () => {
  const files = { 'a.py': `# ${todoWord}\n# ${todoWord}\n`, 'b.ts': `// ${fixmeWord}\n` }

  test('files within their baseline pass; a file over it is one error listing the lines', () => {
    const root = tempRepo({
      ...files,
      'configs/placeholders.baseline.json': { version: 1, files: { 'a.py': 1, 'b.ts': 1 } },
    })
    const { findings, report } = scanPlaceholders(root, ['a.py', 'b.ts'], GATE_DEFAULTS.placeholders)
    expect(findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      `a.py:1 2 placeholders, the baseline allows 1: line 1 marker ${todoWord}, line 2 marker ${todoWord}`,
    ])
    expect(findings[0]?.remediation).toContain('npm run gates -- baseline placeholders')
    if (!report) throw new Error('expected a gaps report')
    expect(report.markdown).toContain(`| a.py:2 | marker ${todoWord} |`)
    expect((report.json as { placeholders: readonly unknown[] }).placeholders).toHaveLength(3)
  })

  test('without a baseline nothing is allowed; a rewritten baseline makes it pass', () => {
    const root = tempRepo(files)
    expect(scanPlaceholders(root, ['a.py', 'b.ts'], GATE_DEFAULTS.placeholders).findings).toHaveLength(2)
    const baseline = buildPlaceholderBaseline(collectPlaceholders(root, ['a.py', 'b.ts']))
    expect(baseline).toEqual({ version: 1, files: { 'a.py': 2, 'b.ts': 1 } })
    const again = tempRepo({ ...files, 'configs/placeholders.baseline.json': baseline })
    expect(scanPlaceholders(again, ['a.py', 'b.ts'], GATE_DEFAULTS.placeholders).findings).toEqual([])
  })

  test('a malformed baseline is a user error naming the field', () => {
    const root = tempRepo({ 'b.json': { version: 1, files: { 'a.py': -1 } } })
    expect(() => readPlaceholderBaseline(root, 'b.json')).toThrow('b.json: /files/a.py must be a non-negative integer')
  })
})

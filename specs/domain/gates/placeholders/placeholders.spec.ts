import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import {
  buildPlaceholderBaseline,
  collectPlaceholders,
  findNotebookPlaceholders,
  findPlaceholders,
  placeholdersGate,
  readPlaceholderBaseline,
  scanPlaceholders,
} from '../../../../src/domain/gates/placeholders/placeholders.ts'
import { UserError } from '../../../../src/foundation/errors/user-error.ts'
import { tempRepo } from '../_temp-repo.ts'
import { lines, notebookJson, stream } from '../notebooks/_notebook.ts'

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

  test('decorators: abstract and overload stubs are by design, other decorated stubs are not', () => {
    const py = [
      '@property',
      'def size(self):',
      '    ...',
      '@staticmethod',
      '@overload',
      'def f(x: int) -> int: ...',
    ].join('\n')
    // `def f(...): ...` on one line is an overload (by design); the decorated `size` is a stub
    expect(findPlaceholders('m.py', py).map((p) => `${p.line} ${p.kind}`)).toEqual(['2 stub body'])
    // In a .pyi stub file every `...` body is a declaration.
    expect(findPlaceholders('m.pyi', py)).toEqual([])
    const abstract = ['@abc.abstractmethod', 'def size(self):', '    pass'].join('\n')
    expect(findPlaceholders('m.py', abstract)).toEqual([])
  })

  test('non-script files count markers only; lowercase words are not markers', () => {
    expect(
      findPlaceholders('notes.md', `- ${todoWord} write docs\n- the todo list\n- def f():\n    pass`).map(
        (p) => p.line,
      ),
    ).toEqual([1])
  })
})

describe('findPlaceholders() precision on ML code', () => {
  const xxx = ['X', 'XX'].join('')
  const hack = ['HA', 'CK'].join('')

  test('the triple-X marker inside a label (B-…, …_NAME) and marker letters inside base64 are not markers', () => {
    const b64 = `iVBORw0KGgoAAAANSUhEUgAAAV4AAAJYCAIAAACl+${hack}/${xxx}+nOz9d3wkV3Yfip9z762qTuhGzmEGAw`
    const text = [
      `# If the label is B-${xxx} we change it to I-${xxx}`,
      `os.environ["${xxx}_TOKEN"] = value`,
      `"image/png": "${b64}"`,
      `# ${xxx}: only one GPU on Colab`,
    ].join('\n')
    expect(findPlaceholders('m.py', text).map((p) => `${p.line} ${p.kind}`)).toEqual([`4 marker ${xxx}`])
  })

  test('the allow comment accepts what is on its line, in any language', () => {
    const allow = 'codex-gates: allow-placeholder'
    const ts = [`export function onIdle(): void {} // ${allow}`, `// ${todoWord} later // ${allow}`].join('\n')
    expect(findPlaceholders('a.ts', ts)).toEqual([])
    expect(findPlaceholders('m.py', `def on_idle(self):  # ${allow}\n    pass\n`)).toEqual([])
  })

  test('Python guards and interface members are not counted; pending work still is', () => {
    const py = [
      'class Base(ABC):',
      '    def step(self):',
      '        ...',
      'def decode(returns_logits):',
      '    if returns_logits:',
      `        raise ${notImplemented}("return_logits is not implemented yet")`,
      '    if not cuda:',
      `        raise ${notImplemented}("CUDA was not found")`,
    ].join('\n')
    expect(findPlaceholders('m.py', py).map((p) => `${p.line} ${p.kind}`)).toEqual(['6 not implemented'])
  })
})

describe('findNotebookPlaceholders()', () => {
  test('reads cell sources (not outputs) and places each at its .ipynb line with a cell locator', () => {
    const nb = notebookJson([
      { type: 'markdown', source: lines(`# Results\n${todoWord}: add the plots`) },
      {
        source: lines(
          `import torch\ndef evaluate(model):\n    pass\nraise ${notImplemented}("${['for', 'now'].join(' ')}")`,
        ),
        outputs: [stream(`${todoWord} printed by the program\n`)],
      },
    ])
    const found = findNotebookPlaceholders('nb/train.ipynb', nb)
    const text = nb.split('\n')
    expect(found.map((p) => `${p.locator} ${p.kind}`)).toEqual([
      `cell 1:line 2 marker ${todoWord}`,
      'cell 2:line 2 stub body',
      'cell 2:line 4 not implemented',
    ])
    expect(found.every((p) => p.file === 'nb/train.ipynb')).toBe(true)
    expect(text[(found[1]?.line ?? 0) - 1]).toContain('def evaluate(model)')
  })

  test('the gaps report names notebook placeholders by cell; a broken notebook is read as text', () => {
    const root = tempRepo({
      'a.ipynb': notebookJson([{ source: lines(`x = 1  # ${todoWord}`) }]),
      'b.ipynb': `{ "cells": [ "${todoWord}" `,
    })
    const { report } = scanPlaceholders(root, ['a.ipynb', 'b.ipynb'], GATE_DEFAULTS.placeholders)
    expect(report?.markdown).toContain(`| a.ipynb:cell 1:line 1 | marker ${todoWord} |`)
    expect(report?.markdown).toContain(`| b.ipynb:1 | marker ${todoWord} |`)
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

  test('a baseline that is not JSON, or has no files object, says how to rewrite it', () => {
    const root = tempRepo({
      'bad.json': '{ "version": 1, ',
      'nofiles.json': { version: 1 },
      'null.json': { files: null },
    })
    const error = (path: string) => {
      try {
        readPlaceholderBaseline(root, path)
      } catch (e) {
        expect(e).toBeInstanceOf(UserError)
        return e as UserError
      }
      throw new Error(`expected ${path} to be refused`)
    }
    expect(error('bad.json').message).toMatch(/^bad\.json is not valid JSON: /)
    expect(error('bad.json').hint).toBe('rewrite it with `npm run gates -- baseline placeholders`')
    expect(error('nofiles.json').message).toBe('nofiles.json: /files must be an object')
    expect(error('null.json').message).toBe('null.json: /files must be an object')
    expect(readPlaceholderBaseline(root, 'absent.json')).toBeUndefined()
  })

  test('a file with many placeholders lists the first eight lines, then …', () => {
    const root = tempRepo({ 'many.md': Array.from({ length: 10 }, (_, i) => `${todoWord} ${i}`).join('\n') })
    const [finding] = scanPlaceholders(root, ['many.md'], GATE_DEFAULTS.placeholders).findings
    expect(finding?.message).toBe(
      `10 placeholders, the baseline allows 0: ${Array.from({ length: 8 }, (_, i) => `line ${i + 1} marker ${todoWord}`).join(', ')}, …`,
    )
    expect(finding?.line).toBe(1)
  })

  test('one placeholder is counted in the singular, in the finding and the gaps report', () => {
    const root = tempRepo({ 'one.md': `${todoWord} x` })
    const { findings, report } = scanPlaceholders(root, ['one.md'], GATE_DEFAULTS.placeholders)
    expect(findings[0]?.message).toBe(`1 placeholder, the baseline allows 0: line 1 marker ${todoWord}`)
    expect(report?.markdown).toContain('1 placeholder in 1 file(s); baseline total 0.')
  })

  test('binary, oversized, vanished and unreadable files are skipped', () => {
    const root = tempRepo({
      'bin.dat': `\u0000${todoWord}`,
      'huge.md': `${todoWord}\n${'x'.repeat(5 * 1024 * 1024)}`,
      'ok.md': `${todoWord}`,
    })
    mkdirSync(join(root, 'dir.md'))
    const files = ['bin.dat', 'huge.md', 'gone.md', 'dir.md', 'ok.md']
    expect(collectPlaceholders(root, files).map((p) => p.file)).toEqual(['ok.md'])
  })

  test('the cache covers the scanned files and the baseline', () => {
    expect(placeholdersGate.cacheInputs?.('/r', ['a.py'], GATE_DEFAULTS.placeholders)).toEqual({
      contents: ['a.py', GATE_DEFAULTS.placeholders.baseline],
    })
  })
})

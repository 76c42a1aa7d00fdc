import { describe, expect, test } from 'vitest'
import { formatFinding } from '../../../../src/domain/gates/finding.ts'
import {
  NOTEBOOK_OUTPUTS_DEFAULTS,
  notebookOutputsGate,
  scanNotebookOutputs,
} from '../../../../src/domain/gates/notebooks/notebook-outputs-gate.ts'
import { tempRepo } from '../_temp-repo.ts'
import { lines, notebookJson, png, stream } from './_notebook.ts'

const clean = notebookJson([{ type: 'markdown', source: lines('# Clean') }, { source: lines('import torch') }])
const executed = notebookJson([
  { source: lines('import torch'), count: 1 },
  { source: lines('train()'), count: 2, outputs: [stream('loss 0.1\n')] },
  { source: lines('plot()'), count: 3, outputs: [png(2048), png(1024)] },
  { source: lines('print(1)'), count: 4, outputs: [stream('1\n')], metadata: { keep_output: true } },
])

describe('scanNotebookOutputs()', () => {
  test('a stripped notebook passes; an executed one fails on outputs and on execution counts', () => {
    const root = tempRepo({ 'clean.ipynb': clean, 'nb/train.ipynb': executed, 'README.md': '# x' })
    const { findings, events } = scanNotebookOutputs(
      root,
      ['README.md', 'clean.ipynb', 'nb/train.ipynb'],
      NOTEBOOK_OUTPUTS_DEFAULTS,
    )
    const lineOf = (needle: string) => executed.split('\n').findIndex((l) => l.includes(needle)) + 1
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.severity}: ${f.message}`)).toEqual([
      `nb/train.ipynb:${lineOf('"cell-1"') - 2} committed-outputs error: 2 of 4 code cells keep outputs (4.1 KiB, 2 embedded images of 3.0 KiB): cell 2, cell 3`,
      `nb/train.ipynb:${lineOf('"cell-0"') - 2} execution-count error: 4 cells with an execution count (cell 1 is [1]): cell 1, cell 2, cell 3, cell 4`,
    ])
    expect(findings[0]?.remediation).toContain('nbstripout nb/train.ipynb')
    expect(findings[0]?.remediation).toContain('gates.notebook-outputs.allow')
    expect(events).toEqual([
      {
        role: 'tool',
        level: 'info',
        message: 'notebook-outputs: nb/train.ipynb embeds 2 images (3.0 KiB)',
        data: {
          file: 'nb/train.ipynb',
          images: [
            { cell: 3, output: 1, mime: 'image/png', bytes: 2048 },
            { cell: 3, output: 2, mime: 'image/png', bytes: 1024 },
          ],
        },
      },
    ])
  })

  test('allowed notebooks keep outputs (images still reported); counts can be allowed', () => {
    const root = tempRepo({ 'docs/gallery.ipynb': executed, 'train.ipynb': executed })
    const allowed = scanNotebookOutputs(root, ['docs/gallery.ipynb'], {
      ...NOTEBOOK_OUTPUTS_DEFAULTS,
      allow: ['docs/**'],
    })
    expect(allowed.findings).toEqual([])
    expect(allowed.events).toHaveLength(1)
    const counts = scanNotebookOutputs(root, ['train.ipynb'], { ...NOTEBOOK_OUTPUTS_DEFAULTS, execution_counts: true })
    expect(counts.findings.map((f) => f.rule)).toEqual(['committed-outputs'])
  })

  test('notebook-wide keep_output keeps every output', () => {
    const root = tempRepo({ 'a.ipynb': notebookJson([{ source: 'x', outputs: [stream('y')] }], { keep_output: true }) })
    expect(scanNotebookOutputs(root, ['a.ipynb'], NOTEBOOK_OUTPUTS_DEFAULTS).findings).toEqual([])
  })

  test('a broken or nbformat 3 notebook is reported with how to fix it', () => {
    const root = tempRepo({ 'bad.ipynb': '{\n "cells": [\n  {,\n', 'old.ipynb': { nbformat: 3, worksheets: [] } })
    const { findings } = scanNotebookOutputs(root, ['bad.ipynb', 'old.ipynb'], NOTEBOOK_OUTPUTS_DEFAULTS)
    expect(findings.map(formatFinding)).toEqual([
      'notebook-outputs bad.ipynb:3 invalid-notebook: cannot be read as an nbformat 4 notebook: not valid JSON: expected a member name at line 3 — fix: open and save it in Jupyter (an nbformat 3 notebook: `jupyter nbconvert --to notebook --nbformat 4 --inplace <file>`), or exclude it with gates.notebook-outputs.exclude',
      'notebook-outputs old.ipynb:1 invalid-notebook: cannot be read as an nbformat 4 notebook: nbformat 3 is not supported: only nbformat 4 (with a cells list) is read — fix: open and save it in Jupyter (an nbformat 3 notebook: `jupyter nbconvert --to notebook --nbformat 4 --inplace <file>`), or exclude it with gates.notebook-outputs.exclude',
    ])
  })

  test('fingerprints stay the same when the counts change, so a ledger follows one problem', () => {
    const more = notebookJson([
      { source: 'a', count: 1, outputs: [stream('x')] },
      { source: 'b', count: 2, outputs: [stream('y')] },
    ])
    const a = scanNotebookOutputs(tempRepo({ 'n.ipynb': executed }), ['n.ipynb'], NOTEBOOK_OUTPUTS_DEFAULTS).findings
    const b = scanNotebookOutputs(tempRepo({ 'n.ipynb': more }), ['n.ipynb'], NOTEBOOK_OUTPUTS_DEFAULTS).findings
    expect(a.map((f) => f.fingerprint)).toEqual(b.map((f) => f.fingerprint))
  })
})

describe('notebookOutputsGate', () => {
  test('skips repositories without notebooks and is keyed on the notebooks', () => {
    expect(notebookOutputsGate.skipReason('/r', ['a.py'], NOTEBOOK_OUTPUTS_DEFAULTS)).toBe('no .ipynb files')
    expect(notebookOutputsGate.skipReason('/r', ['a.ipynb'], NOTEBOOK_OUTPUTS_DEFAULTS)).toBeUndefined()
    expect(notebookOutputsGate.cacheInputs('/r', ['a.py', 'b.ipynb'], NOTEBOOK_OUTPUTS_DEFAULTS)).toEqual({
      contents: ['b.ipynb'],
    })
  })
})

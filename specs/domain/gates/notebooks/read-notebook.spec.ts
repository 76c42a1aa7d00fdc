import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { base64Bytes, NotebookFormatError, readNotebook } from '../../../../src/domain/gates/notebooks/read-notebook.ts'
import { lines, notebookJson, png, stream } from './_notebook.ts'

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1
}

describe('readNotebook()', () => {
  test('cell sources as lists of lines map each line to its .ipynb line', () => {
    const text = notebookJson([
      { type: 'markdown', source: lines('# Train\nSome words.') },
      { source: lines('import torch\nmodel = Net()\nmodel.fit()'), count: 3, outputs: [stream('epoch 1\nepoch 2\n')] },
    ])
    const nb = readNotebook(text)
    expect(nb.language).toBe('python')
    const [md, code] = nb.cells
    expect(md?.type).toBe('markdown')
    expect(code?.source.text).toBe('import torch\nmodel = Net()\nmodel.fit()')
    expect(code?.source.jsonLines).toEqual([
      lineOf(text, 'import torch'),
      lineOf(text, 'model = Net()'),
      lineOf(text, 'model.fit()'),
    ])
    expect(code?.executionCount).toBe(3)
    const out = code?.outputs[0]
    expect(out?.texts).toEqual([
      {
        name: 'text',
        text: {
          text: 'epoch 1\nepoch 2\n',
          jsonLines: [lineOf(text, 'epoch 1'), lineOf(text, 'epoch 2'), lineOf(text, 'epoch 2')],
        },
      },
    ])
  })

  test('a source given as one string maps every line to that string', () => {
    const text = notebookJson([{ source: 'a = 1\nb = 2' }])
    const cell = readNotebook(text).cells[0]
    expect(cell?.source.text).toBe('a = 1\nb = 2')
    expect(cell?.source.jsonLines).toEqual([lineOf(text, 'a = 1'), lineOf(text, 'a = 1')])
  })

  test('outputs: text/* and JSON data, tracebacks, execution counts, images with decoded sizes', () => {
    const error = {
      ename: 'ValueError',
      evalue: 'bad shape',
      output_type: 'error',
      traceback: ['Traceback (most recent call last)', '  File "x.py", line 1'],
    }
    const result = {
      data: { 'text/html': ['<b>ok</b>'], 'text/plain': ['ok'], 'application/json': { a: 1 } },
      execution_count: 4,
      metadata: {},
      output_type: 'execute_result',
    }
    const text = notebookJson([{ source: 'x', outputs: [png(3000), result, error] }])
    const [image, res, err] = readNotebook(text).cells[0]?.outputs ?? []
    expect(image?.images).toEqual([{ mime: 'image/png', bytes: 3000 }])
    expect(image?.texts.map((t) => t.name)).toEqual(['text/plain'])
    expect(res?.executionCount).toBe(4)
    expect(res?.texts.map((t) => [t.name, t.text.text])).toEqual([
      ['text/html', '<b>ok</b>'],
      ['text/plain', 'ok'],
      ['application/json', '{"a":1}'],
    ])
    expect(err?.texts[0]?.text.text).toBe(
      'ValueError: bad shape\nTraceback (most recent call last)\n  File "x.py", line 1',
    )
    expect(err?.texts[0]?.text.jsonLines).toEqual([
      lineOf(text, '"evalue"'),
      lineOf(text, 'Traceback (most'),
      lineOf(text, 'File \\"x.py\\"'),
    ])
  })

  test("nbstripout's keep_output: cell metadata, the keep_output tag, init_cell, and notebook-wide", () => {
    const text = notebookJson([
      { source: 'a', metadata: { keep_output: true } },
      { source: 'b', metadata: { tags: ['keep_output'] } },
      { source: 'c', metadata: { init_cell: true } },
      { source: 'd' },
    ])
    expect(readNotebook(text).cells.map((c) => c.keepOutput)).toEqual([true, true, true, false])
    expect(readNotebook(notebookJson([], { keep_output: true })).keepOutput).toBe(true)
  })

  test('invalid JSON and other formats are NotebookFormatErrors that say why', () => {
    expect(() => readNotebook('{"cells": [')).toThrow(NotebookFormatError)
    expect(() => readNotebook('{"cells": [')).toThrow(/^not valid JSON: .* at line 1$/)
    expect(() => readNotebook('{"nbformat": 3, "worksheets": []}')).toThrow(
      'nbformat 3 is not supported: only nbformat 4 (with a cells list) is read',
    )
    expect(() => readNotebook('[]')).toThrow('the top level is not a JSON object')
  })
})

describe('readNotebook() on notebooks edited by hand', () => {
  test('fields of the wrong type read as absent: unknown types, empty sources, no counts, python', () => {
    const text = JSON.stringify({
      nbformat: 4,
      metadata: { kernelspec: 'python3', language_info: [] },
      cells: [
        7,
        { cell_type: 3, source: { not: 'text' }, outputs: 'none', metadata: { tags: 'keep_output' } },
        {
          cell_type: 'code',
          source: ['a\n', 5, 'b'],
          execution_count: '3',
          outputs: [
            null,
            { output_type: 'error', traceback: 'not a list' },
            { output_type: 'display_data', execution_count: 2, data: 'not an object', text: 12 },
          ],
        },
      ],
    })
    const nb = readNotebook(text)
    expect(nb.language).toBe('python')
    expect(nb.keepOutput).toBe(false)
    expect(nb.cells.map((c) => [c.type, c.source.text, c.executionCount, c.outputs.length, c.keepOutput])).toEqual([
      ['unknown', '', null, 0, false],
      ['unknown', '', null, 0, false],
      ['code', 'a\nb', null, 3, false],
    ])
    const [none, error, display] = nb.cells[2]?.outputs ?? []
    expect(none).toMatchObject({ type: 'unknown', executionCount: null, texts: [], images: [] })
    // No ename or evalue: an empty header; a traceback given as one string is read as its text.
    expect(error?.texts).toEqual([{ name: 'traceback', text: { text: ': \nnot a list', jsonLines: [1, 1] } }])
    expect(display).toMatchObject({ type: 'display_data', executionCount: 2 })
    expect(display?.texts.map((t) => [t.name, t.text.text])).toEqual([['text', '']])
  })

  test('the language falls back from the kernelspec to language_info; SVG is measured as text, PDF as base64', () => {
    const text = JSON.stringify({
      nbformat: 4,
      metadata: { language_info: { name: 'Julia' } },
      cells: [
        {
          cell_type: 'code',
          source: '',
          outputs: [
            {
              output_type: 'display_data',
              data: {
                'image/svg+xml': ['<svg>', '</svg>'],
                'application/pdf': 'QUJD',
                'image/png': 42,
                'application/vnd.custom': 'ignored',
              },
            },
          ],
        },
      ],
    })
    const nb = readNotebook(text)
    expect(nb.language).toBe('julia')
    expect(nb.cells[0]?.outputs[0]?.images).toEqual([
      { mime: 'image/svg+xml', bytes: 11 },
      { mime: 'application/pdf', bytes: 3 },
      { mime: 'image/png', bytes: 0 },
    ])
    expect(nb.cells[0]?.outputs[0]?.texts).toEqual([])
  })

  test('property: any JSON in any field of a cell or output reads without throwing, one cell per entry', () => {
    const field = fc.jsonValue({ maxDepth: 2 })
    const output = fc.record(
      {
        output_type: fc.oneof(fc.constantFrom('stream', 'error', 'display_data', 'execute_result'), field),
        text: field,
        data: fc.oneof(
          fc.dictionary(fc.constantFrom('text/plain', 'image/png', 'application/json', 'image/svg+xml'), field),
          field,
        ),
        traceback: field,
        ename: field,
        evalue: field,
        execution_count: field,
      },
      { requiredKeys: [] },
    )
    const cell = fc.oneof(
      field,
      fc.record(
        {
          cell_type: fc.oneof(fc.constantFrom('code', 'markdown', 'raw'), field),
          source: field,
          metadata: field,
          outputs: fc.oneof(fc.array(fc.oneof(output, field), { maxLength: 3 }), field),
          execution_count: field,
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 4 }), field, (cells, metadata) => {
        const nb = readNotebook(JSON.stringify({ nbformat: 4, metadata, cells }, null, 1))
        expect(nb.cells).toHaveLength(cells.length)
        for (const c of nb.cells) {
          expect(typeof c.source.text).toBe('string')
          expect(c.source.jsonLines.length).toBeGreaterThan(0)
          for (const o of c.outputs) for (const t of o.texts) expect(typeof t.text.text).toBe('string')
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('base64Bytes()', () => {
  test.each([0, 1, 2, 3, 100, 1001])('decodes the size of %i bytes, with line breaks ignored', (n) => {
    const b64 = Buffer.alloc(n, 1).toString('base64')
    expect(base64Bytes(b64)).toBe(n)
    expect(base64Bytes(b64.replace(/(.{10})/g, '$1\n'))).toBe(n)
    expect(base64Bytes(`${b64}\n`)).toBe(n) // Jupyter ends image data with a line break
    expect(base64Bytes(b64.replace(/(.{10})/g, '$1\r\n'))).toBe(n)
  })
})

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

describe('base64Bytes()', () => {
  test.each([0, 1, 2, 3, 100, 1001])('decodes the size of %i bytes, with line breaks ignored', (n) => {
    const b64 = Buffer.alloc(n, 1).toString('base64')
    expect(base64Bytes(b64)).toBe(n)
    expect(base64Bytes(b64.replace(/(.{10})/g, '$1\n'))).toBe(n)
    expect(base64Bytes(`${b64}\n`)).toBe(n) // Jupyter ends image data with a line break
    expect(base64Bytes(b64.replace(/(.{10})/g, '$1\r\n'))).toBe(n)
  })
})

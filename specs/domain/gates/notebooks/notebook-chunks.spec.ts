import { describe, expect, test } from 'vitest'
import { isNotebookPath, notebookChunks } from '../../../../src/domain/gates/notebooks/notebook-chunks.ts'
import { lines, notebookJson, png, stream } from './_notebook.ts'

describe('notebookChunks()', () => {
  test('one chunk per cell source and per output text, named for their language; images left out', () => {
    const text = notebookJson([
      { type: 'markdown', source: lines('# Title') },
      { source: lines('x = 1\ny = 2'), outputs: [stream('hello\n'), png(10)] },
      { source: lines('%%bash\necho hi') },
      { source: lines('%%writefile config.yaml\nlr: 0.1') },
      { type: 'raw', source: 'raw text' },
    ])
    const chunks = notebookChunks(text) ?? []
    expect(chunks.map((c) => `${c.kind} ${c.cell} ${c.name} ${JSON.stringify(c.text)}`)).toEqual([
      'source 1 cell.md "# Title"',
      'source 2 cell.py "x = 1\\ny = 2"',
      'output 2 output.log "hello\\n"',
      'output 2 output.log "<Figure>"',
      'source 3 cell.sh "%%bash\\necho hi"',
      'source 4 cell-config.yaml "%%writefile config.yaml\\nlr: 0.1"',
      'source 5 cell.txt "raw text"',
    ])
  })

  test('locate() gives the .ipynb line and a cell N:line M locator', () => {
    const text = notebookJson([
      { source: lines('a = 1\nb = 2') },
      { source: lines('c'), outputs: [stream('one\ntwo\n')] },
    ])
    const fileLines = text.split('\n')
    const chunks = notebookChunks(text) ?? []
    const b = chunks[0]?.locate(2)
    expect(b?.locator).toBe('cell 1:line 2')
    expect(fileLines[(b?.line ?? 0) - 1]).toContain('b = 2')
    const two = chunks[2]?.locate(2)
    expect(two?.locator).toBe('cell 2:output 1:line 2')
    expect(fileLines[(two?.line ?? 0) - 1]).toContain('two')
  })

  test('the kernel language picks the extension; unknown languages read as text', () => {
    const r = notebookChunks(notebookJson([{ source: 'x <- 1' }], { kernelspec: { language: 'R' } })) ?? []
    expect(r[0]?.name).toBe('cell.r')
    const other = notebookChunks(notebookJson([{ source: 'x' }], { kernelspec: { language: 'cobol' } })) ?? []
    expect(other[0]?.name).toBe('cell.txt')
  })

  test('cell magics name the cell for the language they switch to', () => {
    const names = (language: string, sources: string[]) =>
      (
        notebookChunks(
          notebookJson(
            sources.map((source) => ({ source })),
            { kernelspec: { language } },
          ),
        ) ?? []
      ).map((c) => c.name)
    expect(
      names('python', [
        '%%sh\nls',
        '  %%script bash\necho',
        '%%writefile\nno file named',
        '%%writefile deep/dir/train.cfg\nx',
        '%%html\n<b>x</b>',
        '%%capture out\nprint(1)',
        '%%time\nx',
        '%%timeit\nx',
        '%not a cell magic',
      ]),
    ).toEqual([
      'cell.sh',
      'cell.sh',
      'cell.writefile',
      'cell-train.cfg',
      'cell.html',
      'cell.py',
      'cell.py',
      'cell.py',
      'cell.py',
    ])
    // %%time and kin keep the kernel's language, or plain text for a language with no extension.
    expect(names('julia', ['%%time\nx', 'y'])).toEqual(['cell.jl', 'cell.jl'])
    expect(names('cobol', ['%%capture\nx'])).toEqual(['cell.txt'])
  })

  test('locate() past the last line of a chunk stays at its last .ipynb line', () => {
    const text = notebookJson([{ source: lines('a = 1\nb = 2') }])
    const [chunk] = notebookChunks(text) ?? []
    expect(chunk?.locate(99)).toEqual({ line: chunk?.locate(2).line, locator: 'cell 1:line 99' })
  })

  test('undefined for text that is not an nbformat 4 notebook', () => {
    expect(notebookChunks('{"nbformat": 3, "worksheets": []}')).toBeUndefined()
    expect(notebookChunks('not json')).toBeUndefined()
  })
})

describe('isNotebookPath()', () => {
  test('matches .ipynb in any case', () => {
    expect(['a.ipynb', 'b/C.IPYNB', 'd.py', 'ipynb'].map(isNotebookPath)).toEqual([true, true, false, false])
  })
})

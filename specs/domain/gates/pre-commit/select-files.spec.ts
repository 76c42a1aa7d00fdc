import { describe, expect, test } from 'vitest'
import { selectFiles } from '../../../../src/domain/gates/pre-commit/select-files.ts'
import { tagsFromPath } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'

const PATHS = ['src/a.py', 'src/b.pyi', 'bin/tool', '.codex/log.json', 'docs/x.md', 'tests/test_a.py', 'img.png']
const tagsOf = (path: string) =>
  tagsFromPath({
    path,
    kind: 'file',
    executable: path === 'bin/tool',
    head: new TextEncoder().encode(
      path === 'bin/tool' ? '#!/usr/bin/env python3\n' : path === 'img.png' ? '\x89PNG\x00' : 'x\n',
    ),
  })
const hook = { files: '', exclude: '^$', types: ['file'], types_or: [] as string[], exclude_types: [] as string[] }
const top = { files: '', exclude: '^$' }

describe('selectFiles()', () => {
  test('top-level exclude first, then the hook files/exclude regexes (search, not match)', () => {
    expect(
      selectFiles(PATHS, { files: '', exclude: '^\\.codex/' }, { ...hook, files: 'a', exclude: 'tests/' }, tagsOf),
    ).toEqual(['src/a.py'])
    expect(selectFiles(PATHS, { files: '^src/', exclude: '^$' }, hook, tagsOf)).toEqual(['src/a.py', 'src/b.pyi'])
  })

  test('types: all of types, any of types_or, none of exclude_types', () => {
    expect(selectFiles(PATHS, top, { ...hook, types: ['python'] }, tagsOf)).toEqual([
      'src/a.py',
      'bin/tool',
      'tests/test_a.py',
    ])
    expect(selectFiles(PATHS, top, { ...hook, types: ['python', 'executable'] }, tagsOf)).toEqual(['bin/tool'])
    expect(selectFiles(PATHS, top, { ...hook, types_or: ['pyi', 'markdown'] }, tagsOf)).toEqual([
      'src/b.pyi',
      'docs/x.md',
    ])
    expect(selectFiles(PATHS, top, { ...hook, types: ['text'], exclude_types: ['python'] }, tagsOf)).toEqual([
      'src/b.pyi',
      '.codex/log.json',
      'docs/x.md',
    ])
    expect(selectFiles(PATHS, top, { ...hook, types: ['binary'] }, tagsOf)).toEqual(['img.png'])
  })
})

import { describe, expect, test } from 'vitest'
import { parseShebang, tagsFromPath } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'

const enc = (s: string) => new TextEncoder().encode(s)
const file = (path: string, head = '', executable = false) =>
  tagsFromPath({ path, kind: 'file', executable, head: enc(head) })

describe('tagsFromPath()', () => {
  test.each([
    ['a/b.py', ['file', 'non-executable', 'python', 'text']],
    ['stubs/x.pyi', ['file', 'non-executable', 'pyi', 'text']],
    ['.pre-commit-config.yaml', ['file', 'non-executable', 'text', 'yaml']],
    ['c.YML', ['file', 'non-executable', 'text', 'yaml']],
    ['nb.ipynb', ['file', 'json', 'jupyter', 'non-executable', 'text']],
    ['pyproject.toml', ['file', 'non-executable', 'pyproject', 'text', 'toml']],
    ['Dockerfile.dev', ['dockerfile', 'file', 'non-executable', 'text']],
    ['docs/guide.md', ['file', 'markdown', 'non-executable', 'text']],
    // A known name as a dot-part wins alongside the extension: README → plain-text.
    ['README.md', ['file', 'markdown', 'non-executable', 'plain-text', 'text']],
    ['q.sql', ['file', 'non-executable', 'sql', 'text']],
    ['x.ts', ['file', 'non-executable', 'text', 'ts']],
    ['pom.xml', ['file', 'non-executable', 'pom', 'text', 'xml']],
    // Not in identify's table: the content decides.
    ['model.onnx', ['file', 'non-executable', 'text']],
  ])('%s → %j', (path, tags) => {
    expect([...file(path)].sort()).toEqual(tags)
  })

  test('no name tags: a shebang of an executable decides, then text/binary from the first KiB', () => {
    expect([...file('bin/run', '#!/usr/bin/env python3.11\nprint()\n', true)].sort()).toEqual([
      'executable',
      'file',
      'python',
      'python3',
      'text',
    ])
    expect([...file('bin/run', '#!/bin/bash\n', false)].sort()).toEqual(['file', 'non-executable', 'text'])
    expect([...file('data.bin', '\x00\x01')].sort()).toEqual(['binary', 'file', 'non-executable'])
    expect([...file('notes', 'caf\u00e9\n')].sort()).toEqual(['file', 'non-executable', 'text'])
    expect(tagsFromPath({ path: 'l', kind: 'symlink', executable: false, head: new Uint8Array() })).toEqual(
      new Set(['symlink']),
    )
    expect(tagsFromPath({ path: 'd', kind: 'directory', executable: false, head: new Uint8Array() })).toEqual(
      new Set(['directory']),
    )
  })
})

describe('parseShebang()', () => {
  test.each([
    ['#!/usr/bin/env -S python3 -u\n', ['python3', '-u']],
    ['#!/bin/sh\n', ['/bin/sh']],
    ['#! /usr/bin/python "a b"\n', ['/usr/bin/python', 'a b']],
    ["#!/bin/x 'unbalanced\n", ['/bin/x', "'unbalanced"]],
    ['#!/usr/bin/env nix-shell\n#! nix-shell -i python3 -p python3\n', ['python3']],
    ['#!/bin/b\u00e4sh\n', []],
    ['no shebang\n', []],
  ])('%j → %j', (text, cmd) => {
    expect(parseShebang(enc(text))).toEqual(cmd)
  })
})

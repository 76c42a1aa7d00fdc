import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { pathFacts, pathTagsOf } from '../../../../src/domain/gates/command/path-tags.ts'
import { tagsFromPath } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'
import { tempDir } from '../../../support/temp-dir.ts'

/** identify's tags from every fact read in full (X_OK asked, the first KiB read), as pathFacts once did. */
function fullTags(root: string, path: string, executable: boolean): Set<string> {
  return tagsFromPath({
    path,
    kind: 'file',
    executable,
    head: new Uint8Array(readFileSync(join(root, path))).subarray(0, 1024),
  })
}

describe('pathTagsOf()', () => {
  test('skipping the head where the name settles text/binary, and X_OK without an execute bit, changes no tag', () => {
    const root = tempDir('path-tags-')
    mkdirSync(join(root, 'bin'))
    const files: [string, string, number][] = [
      ['a.py', 'print(1)\n', 0o644],
      ['tool', '#!/usr/bin/env python3\nprint(1)\n', 0o755],
      ['bin/run.sh', '#!/bin/sh\n', 0o755],
      ['data', '\x00\x01\x02', 0o644],
      ['notes', 'plain words\n', 0o600],
      ['model.onnx', '\x00binary', 0o644],
      ['script', '#!/bin/bash\necho\n', 0o644],
      ['README.md', '# r\n', 0o744],
    ]
    for (const [path, text, mode] of files) {
      writeFileSync(join(root, path), text)
      chmodSync(join(root, path), mode)
    }
    const tagsOf = pathTagsOf(root)
    for (const [path, , mode] of files) {
      const executable = (mode & 0o111) !== 0 // the owner (this process) has x exactly where any bit is set here
      expect([...tagsOf(path)].sort(), path).toEqual([...fullTags(root, path, executable)].sort())
    }
    symlinkSync('a.py', join(root, 'link'))
    expect([...tagsOf('link')]).toEqual(['symlink'])
  })

  test('any name and content: the tags equal those from the full facts', () => {
    const root = tempDir('path-tags-prop-')
    const names = fc.constantFrom('x.py', 'x.json', 'x', 'Makefile', 'x.onnx', 'x.md', 'x.sh', 'x.bin', 'x.yaml')
    let n = 0
    fc.assert(
      fc.property(names, fc.uint8Array({ maxLength: 64 }), fc.boolean(), (name, bytes, exec) => {
        const path = `${n++}-${name}`
        writeFileSync(join(root, path), bytes)
        chmodSync(join(root, path), exec ? 0o755 : 0o644)
        const facts = pathFacts(root, path)
        expect([...tagsFromPath(facts)].sort()).toEqual([...fullTags(root, path, exec)].sort())
      }),
      { numRuns: 150 },
    )
  })
})

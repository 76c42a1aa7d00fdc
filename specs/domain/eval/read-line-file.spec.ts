import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { readLineFile } from '../../../src/domain/eval/read-line-file.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('readLineFile()', () => {
  test('one segment per line, final newline not a line, CR dropped, empty lines kept', () => {
    const dir = tempDir()
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    }
    expect(readLineFile(write('a', 'x\ny\n'), '--hyp')).toEqual(['x', 'y'])
    expect(readLineFile(write('b', 'x\r\n\r\ny'), '--hyp')).toEqual(['x', '', 'y'])
    expect(readLineFile(write('c', ''), '--hyp')).toEqual([])
    expect(readLineFile(write('d', '\n'), '--hyp')).toEqual([''])
    expect(() => readLineFile(join(dir, 'none'), '--ref')).toThrow(/--ref .*none: cannot read it \(ENOENT\)/)
  })
})

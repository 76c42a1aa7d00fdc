import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { hashFile } from '../../../src/foundation/fs/hash-file.ts'
import { tempDir } from '../../support/temp-dir.ts'

describe('hashFile()', () => {
  test('streams sha256 and size; a missing file names the path', async () => {
    const dir = tempDir()
    const path = join(dir, 'abc.txt')
    writeFileSync(path, 'abc')
    expect(await hashFile(path)).toEqual({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', // FIPS 180-2 "abc"
      bytes: 3,
    })
    await expect(hashFile(join(dir, 'no.txt'), 'source')).rejects.toThrow(/cannot read source .*no\.txt: ENOENT/)
  })
})

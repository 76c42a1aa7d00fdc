import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { blobDigest, forgetDigests, gitBlobId } from '../../../src/foundation/fs/blob-digest.ts'
import { digestMemoPath, loadDigestMemo, saveDigestMemo } from '../../../src/foundation/fs/digest-memo.ts'
import { tempDir } from '../../support/temp-dir.ts'

const past = new Date(Date.now() - 60_000)
const PLANTED = 'f'.repeat(40)

/** A folder with `files` written a minute ago (settled), and the memo path beside them. */
function folder(files: Record<string, string>, settled = true): { root: string; memo: string } {
  const root = tempDir('digest-memo-')
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(root, name), text)
    if (settled) utimesSync(join(root, name), past, past)
  }
  return { root, memo: digestMemoPath(join(root, 'gate-cache.json')) }
}

/** Rewrites every memo entry's blob id: what only the memo could answer. */
function plant(memo: string): void {
  const parsed = JSON.parse(readFileSync(memo, 'utf8')) as { files: Record<string, [string, string, number]> }
  for (const entry of Object.values(parsed.files)) entry[1] = PLANTED
  writeFileSync(memo, JSON.stringify(parsed))
}

afterEach(() => forgetDigests())

describe('loadDigestMemo() / saveDigestMemo()', () => {
  test("a settled file's digest is taken from an earlier process's memo while its stat data holds", () => {
    const { root, memo } = folder({ 'package.json': '{"name":"a"}\n' })
    expect(memo).toBe(join(root, 'gate-cache.digests.json'))
    const real = gitBlobId(readFileSync(join(root, 'package.json')))
    expect(blobDigest(root, 'package.json', undefined)).toBe(real)
    saveDigestMemo(memo)
    forgetDigests() // a new process
    plant(memo)
    loadDigestMemo(memo)
    expect(blobDigest(root, 'package.json', undefined)).toBe(PLANTED) // not read: the memo answered
    // An edit of the same size whose mtime is put back still moves ctime: read again.
    writeFileSync(join(root, 'package.json'), '{"name":"b"}\n')
    utimesSync(join(root, 'package.json'), past, past)
    expect(blobDigest(root, 'package.json', undefined)).toBe(gitBlobId(readFileSync(join(root, 'package.json'))))
  })

  test('a file hashed within 2 s of its last change is never taken from the memo', () => {
    const { root, memo } = folder({ 'package.json': '{"name":"a"}\n' }, false)
    const real = blobDigest(root, 'package.json', undefined)
    saveDigestMemo(memo)
    forgetDigests()
    plant(memo)
    loadDigestMemo(memo)
    expect(blobDigest(root, 'package.json', undefined)).toBe(real)
  })

  test('nothing hashed afresh: nothing written; a torn or foreign memo is no memo', () => {
    const { root, memo } = folder({ 'a.json': '1\n' })
    saveDigestMemo(memo)
    expect(existsSync(memo)).toBe(false)
    for (const text of ['{"version":1,"files":', '{"version":2,"files":{}}', '[]', 'null']) {
      writeFileSync(memo, text)
      forgetDigests()
      loadDigestMemo(memo)
      expect(blobDigest(root, 'a.json', undefined)).toBe(gitBlobId(Buffer.from('1\n')))
    }
  })
})

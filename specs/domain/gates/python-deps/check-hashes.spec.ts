import { describe, expect, test } from 'vitest'
import { checkHashes } from '../../../../src/domain/gates/python-deps/check-hashes.ts'
import { brief, fixtureProject, memoryProject } from './_load.ts'

describe('checkHashes()', () => {
  test('ml-repo: requirements-serve.txt is hashed throughout; nothing to report', () => {
    expect(checkHashes(fixtureProject('ml-repo').requirements)).toEqual([])
  })

  test('one --hash puts the whole install (includes too) in hash-checking mode', () => {
    const project = memoryProject({
      'requirements.txt': '-r base.txt\ntorch==2.3.0 --hash=sha256:aa\nnumpy>=1.26 --hash=sha256:bb\n-e ./local\n',
      'base.txt': 'tqdm==4.66.4\n',
      'requirements-other.txt': 'scipy\n',
    })
    const issues = checkHashes(project.requirements)
    expect(brief(issues)).toEqual([
      'error missing-hash requirements.txt:3',
      'error missing-hash requirements.txt:4',
      'error missing-hash base.txt:1',
    ])
    expect(issues[0]!.message).toMatch(/^numpy>=1.26 is not pinned with ==/)
    expect(issues[1]!.message).toMatch(/^\.\/local is editable/)
    expect(issues[2]!.message).toBe(
      'tqdm==4.66.4 has no --hash, but installing requirements.txt runs in hash-checking mode (requirements.txt:2 has --hash): pip will refuse it',
    )
  })

  test('--require-hashes alone turns it on', () => {
    const project = memoryProject({ 'requirements.txt': '--require-hashes\ntorch==2.3.0\n' })
    expect(brief(checkHashes(project.requirements))).toEqual(['error missing-hash requirements.txt:2'])
  })
})

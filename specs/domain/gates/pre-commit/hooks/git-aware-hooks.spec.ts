import { describe, expect, test } from 'vitest'
import {
  checkAddedLargeFiles,
  checkAddedLargeFilesHook,
  parseLargeFilesArgs,
} from '../../../../../src/domain/gates/pre-commit/hooks/check-added-large-files.ts'
import { checkCaseConflict } from '../../../../../src/domain/gates/pre-commit/hooks/check-case-conflict.ts'
import { checkMergeConflictHook } from '../../../../../src/domain/gates/pre-commit/hooks/check-merge-conflict.ts'
import { forbidNewSubmodulesHook } from '../../../../../src/domain/gates/pre-commit/hooks/forbid-new-submodules.ts'
import { noCommitToBranchHook } from '../../../../../src/domain/gates/pre-commit/hooks/no-commit-to-branch.ts'
import { userErrorFrom } from '../../../../support/user-error.ts'
import { bin } from './_file.ts'

describe('checkAddedLargeFiles()', () => {
  const big = bin('data/big.bin', 'x'.repeat(600 * 1024 + 1))
  const small = bin('small.txt', 'x'.repeat(1024))
  test('only staged-as-added files, size rounded up to KB, default 500 KB', () => {
    expect(
      checkAddedLargeFiles([big, small], parseLargeFilesArgs([]), { addedFiles: new Set(['data/big.bin']) }).problems,
    ).toEqual([{ path: 'data/big.bin', message: 'data/big.bin (601 KB) exceeds 500 KB.' }])
    expect(checkAddedLargeFiles([big], parseLargeFilesArgs([]), { addedFiles: new Set() }).failed).toBe(false)
  })

  test('--maxkb, --enforce-all, and git-lfs files left out', () => {
    expect(
      checkAddedLargeFilesHook.run([small], ['--maxkb=0'], { addedFiles: new Set(['small.txt']) }).problems[0]?.message,
    ).toBe('small.txt (1 KB) exceeds 0 KB.')
    expect(checkAddedLargeFilesHook.run([big], ['--enforce-all'], {}).failed).toBe(true)
    expect(checkAddedLargeFilesHook.run([big], ['--enforce-all'], { lfsFiles: new Set(['data/big.bin']) }).failed).toBe(
      false,
    )
    expect(checkAddedLargeFilesHook.run([bin('e', '')], ['--maxkb', '0', '--enforce-all'], {}).failed).toBe(false)
    expect(userErrorFrom(() => parseLargeFilesArgs(['--maxkb=1.5'])).message).toContain("invalid int value: '1.5'")
  })
})

describe('checkCaseConflict()', () => {
  // Upstream's cases (tests/check_case_conflict_test.py).
  test('no conflict; a new file vs a tracked one; two new files; folder vs file', () => {
    expect(checkCaseConflict(['f.py'], [], ['f.py']).failed).toBe(false)
    expect(checkCaseConflict(['f.py'], ['f.py'], []).failed).toBe(false)
    expect(checkCaseConflict(['f.py', 'F.py'], [], ['f.py', 'F.py']).problems.map((p) => p.message)).toEqual([
      'Case-insensitivity conflict found: F.py',
      'Case-insensitivity conflict found: f.py',
    ])
    expect(checkCaseConflict([], ['f.py'], ['F.py']).failed).toBe(true)
    expect(checkCaseConflict([], ['dir/x.py'], ['DIR/y.py']).problems.map((p) => p.path)).toEqual(['DIR', 'dir'])
    expect(checkCaseConflict([], ['a/b.py'], ['A']).failed).toBe(true)
    expect(checkCaseConflict(['g.py'], ['f.py'], []).failed).toBe(false)
  })
})

describe('check-merge-conflict', () => {
  const conflicted = bin('f.txt', '<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n')
  test('reports each marker line, only in a merge or with --assume-in-merge', () => {
    expect(checkMergeConflictHook.run([conflicted], [], {}).failed).toBe(false)
    expect(checkMergeConflictHook.run([conflicted], [], { inMerge: true }).problems.map((p) => p.message)).toEqual([
      "f.txt:1: Merge conflict string '<<<<<<<' found",
      "f.txt:3: Merge conflict string '=======' found",
      "f.txt:5: Merge conflict string '>>>>>>>' found",
    ])
    expect(checkMergeConflictHook.run([bin('g.txt', '=======\r\n')], ['--assume-in-merge'], {}).problems[0]?.line).toBe(
      1,
    )
    expect(checkMergeConflictHook.run([bin('rst.txt', 'Title\n=======\n')], ['--assume-in-merge'], {}).failed).toBe(
      true,
    )
    expect(
      checkMergeConflictHook.run([bin('ok.txt', 'a ======= b\n  <<<<<<< x\n')], ['--assume-in-merge'], {}).failed,
    ).toBe(false)
  })
})

describe('no-commit-to-branch', () => {
  test('main and master by default; --branch and --pattern (re.match); detached HEAD passes', () => {
    expect(noCommitToBranchHook.run([], [], { branch: 'main' }).failed).toBe(true)
    expect(noCommitToBranchHook.run([], [], { branch: 'master' }).failed).toBe(true)
    expect(noCommitToBranchHook.run([], [], { branch: 'feature/x' }).failed).toBe(false)
    expect(noCommitToBranchHook.run([], [], { branch: null }).failed).toBe(false)
    expect(noCommitToBranchHook.run([], ['-b', 'dev'], { branch: 'main' }).failed).toBe(false)
    expect(noCommitToBranchHook.run([], ['--branch', 'dev', '-b', 'prod'], { branch: 'prod' }).failed).toBe(true)
    expect(noCommitToBranchHook.run([], ['--pattern', 'release/.*'], { branch: 'release/1.0' }).failed).toBe(true)
    expect(noCommitToBranchHook.run([], ['-p', 'release/.*'], { branch: 'x/release/1.0' }).failed).toBe(false)
    expect(noCommitToBranchHook.run([], ['-p', 'ma'], { branch: 'main' }).failed).toBe(true)
  })
})

describe('forbid-new-submodules', () => {
  test('new gitlinks among the files fail with upstream advice', () => {
    const outcome = forbidNewSubmodulesHook.run([bin('vendor/lib', '')], [], { addedSubmodules: ['vendor/lib'] })
    expect(outcome.failed).toBe(true)
    expect(outcome.problems[0]?.message).toBe('vendor/lib: new submodule introduced')
    expect(outcome.problems[1]?.message).toContain('To fix: git rm {thesubmodule}  # no trailing slash')
    expect(forbidNewSubmodulesHook.run([bin('other', '')], [], { addedSubmodules: ['vendor/lib'] }).failed).toBe(false)
  })
})

import { describe, expect, test } from 'vitest'
import { checkExecutablesHaveShebangs } from '../../../../../src/domain/gates/pre-commit/hooks/check-executables-have-shebangs.ts'
import { checkShebangScriptsAreExecutable } from '../../../../../src/domain/gates/pre-commit/hooks/check-shebang-scripts-are-executable.ts'
import { checkSymlinks } from '../../../../../src/domain/gates/pre-commit/hooks/check-symlinks.ts'
import { detectPrivateKeyHook } from '../../../../../src/domain/gates/pre-commit/hooks/detect-private-key.ts'
import { bin } from './_file.ts'

describe('checkExecutablesHaveShebangs()', () => {
  test.each([
    ['#!/bin/bash\nhello\n', false],
    ['#!/usr/bin/env python3\n', false],
    ['#!python\n', false],
    ['', true],
    [' #!/bin/bash\n', true],
    ['\n#!python\n', true],
    ['python\n', true],
    ['\u2603', true],
  ])('executable %j fails: %s', (content, fails) => {
    expect(checkExecutablesHaveShebangs(bin('f', content, { executable: true })).problems.length > 0).toBe(fails)
  })

  test("upstream's message, path shell-quoted", () => {
    expect(checkExecutablesHaveShebangs(bin('my script', 'x', { executable: true })).problems[0]?.message).toBe(
      "my script: marked executable but has no (or invalid) shebang!\n  If it isn't supposed to be executable, try: `chmod -x 'my script'`\n  If on Windows, you may also need to: `git add --chmod=-x 'my script'`\n  If it is supposed to be executable, double-check its shebang.",
    )
    expect(checkExecutablesHaveShebangs(bin('f', 'x', { executable: false })).problems).toEqual([])
  })
})

describe('checkShebangScriptsAreExecutable()', () => {
  test('a shebang without the executable bit fails; with it, or without shebang, passes', () => {
    expect(
      checkShebangScriptsAreExecutable(bin('run.sh', '#!/bin/sh\n', { executable: false })).problems[0]?.message,
    ).toContain(
      'run.sh: has a shebang but is not marked executable!\n  If it is supposed to be executable, try: `chmod +x run.sh`',
    )
    expect(checkShebangScriptsAreExecutable(bin('run.sh', '#!/bin/sh\n', { executable: true })).problems).toEqual([])
    expect(checkShebangScriptsAreExecutable(bin('a.txt', 'text\n', { executable: false })).problems).toEqual([])
  })
})

describe('checkSymlinks()', () => {
  test('a broken symlink fails; a live one and a plain file pass', () => {
    expect(checkSymlinks(bin('l', '', { symlink: { targetExists: false } })).problems).toEqual([
      { path: 'l', message: 'l: Broken symlink' },
    ])
    expect(checkSymlinks(bin('l', '', { symlink: { targetExists: true } })).problems).toEqual([])
    expect(checkSymlinks(bin('f', '')).problems).toEqual([])
  })
})

describe('detect-private-key', () => {
  test.each([
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n', true],
    ['key = """\n-----BEGIN OPENSSH PRIVATE KEY-----\n', true],
    ['PuTTY-User-Key-File-2: ssh-rsa\n', true],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----\n', true],
    ['-----BEGIN OpenVPN Static key V1-----\n', true],
    ['-----BEGIN PUBLIC KEY-----\n', false],
    ['begin rsa private key\n', false],
    ['', false],
  ])('%j → found %s', (content, found) => {
    const outcome = detectPrivateKeyHook.run([bin('k.pem', content)], [], {})
    expect(outcome.failed).toBe(found)
    if (found) expect(outcome.problems[0]?.message).toBe('Private key found: k.pem')
  })

  test('the line of the first marker, and no key material in the message', () => {
    const outcome = detectPrivateKeyHook.run(
      [bin('a.py', 'x = 1\ny = 2\nK = "-----BEGIN EC PRIVATE KEY-----MHcC"\n')],
      [],
      {},
    )
    expect(outcome.problems).toEqual([{ path: 'a.py', line: 3, message: 'Private key found: a.py' }])
  })
})

import { parseHookArgs } from '../hook-args.ts'
import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'

/** The three naming conventions and the pattern each enforces on the base name. */
export const TEST_NAME_PATTERNS = {
  pytest: '.*_test\\.py', // --pytest (the default)
  'pytest-test-first': 'test_.*\\.py', // --pytest-test-first
  django: 'test.*\\.py', // --django / --unittest
} as const

/** `--pytest` (default), `--pytest-test-first`, `--django` / `--unittest`; the last one given wins. */
export function parseNameTestsArgs(args: readonly string[]): string {
  const { values } = parseHookArgs('name-tests-test', args, [
    { dest: 'pattern', names: ['--pytest'], action: 'const', const: TEST_NAME_PATTERNS.pytest },
    {
      dest: 'pattern',
      names: ['--pytest-test-first'],
      action: 'const',
      const: TEST_NAME_PATTERNS['pytest-test-first'],
    },
    { dest: 'pattern', names: ['--django', '--unittest'], action: 'const', const: TEST_NAME_PATTERNS.django },
  ])
  return (values.pattern as string | undefined) ?? TEST_NAME_PATTERNS.pytest
}

/** A test file whose base name does not fully match the pattern (`__init__.py`, `conftest.py` pass). */
export function nameTestsTest(file: HookFile, pattern: string): FileVerdict {
  const base = file.path.slice(file.path.lastIndexOf('/') + 1)
  // The patterns above use only `.`, `*`, `\.`: the same in Python and JS, `.` excluding `\n`.
  const ok = new RegExp(`^(?:${pattern.replace(/\./g, (m, i, s) => (s[i - 1] === '\\' ? m : '[^\\n]'))})$`).test(base)
  if (ok || base === '__init__.py' || base === 'conftest.py') return { problems: [] }
  return { problems: [{ path: file.path, message: `${file.path} does not match pattern "${pattern}"` }] }
}

export const nameTestsTestHook: NativeHook = {
  id: 'name-tests-test',
  manifest: { name: 'python tests naming', entry: 'name-tests-test', language: 'python', files: '(^|/)tests/.+\\.py$' },
  run(files, args) {
    const pattern = parseNameTestsArgs(args)
    return runPerFile(files, (f) => nameTestsTest(f, pattern))
  },
}

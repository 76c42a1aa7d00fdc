import { checkAddedLargeFilesHook } from './hooks/check-added-large-files.ts'
import { checkAstHook } from './hooks/check-ast.ts'
import { checkCaseConflictHook } from './hooks/check-case-conflict.ts'
import { checkExecutablesHaveShebangsHook } from './hooks/check-executables-have-shebangs.ts'
import { checkJsonHook } from './hooks/check-json.ts'
import { checkMergeConflictHook } from './hooks/check-merge-conflict.ts'
import { checkShebangScriptsAreExecutableHook } from './hooks/check-shebang-scripts-are-executable.ts'
import { checkSymlinksHook } from './hooks/check-symlinks.ts'
import { checkTomlHook } from './hooks/check-toml.ts'
import { checkXmlHook } from './hooks/check-xml.ts'
import { checkYamlHook } from './hooks/check-yaml.ts'
import { debugStatementsHook } from './hooks/debug-statements.ts'
import { detectPrivateKeyHook } from './hooks/detect-private-key.ts'
import { endOfFileFixerHook } from './hooks/end-of-file-fixer.ts'
import { forbidNewSubmodulesHook } from './hooks/forbid-new-submodules.ts'
import { mixedLineEndingHook } from './hooks/mixed-line-ending.ts'
import { nameTestsTestHook } from './hooks/name-tests-test.ts'
import { noCommitToBranchHook } from './hooks/no-commit-to-branch.ts'
import { prettyFormatJsonHook } from './hooks/pretty-format-json.ts'
import { trailingWhitespaceHook } from './hooks/trailing-whitespace.ts'
import type { NativeHook } from './native-hook.ts'

/** pre-commit-hooks' repository, as repoKey spells it. */
export const PRE_COMMIT_HOOKS_REPO = 'github.com/pre-commit/pre-commit-hooks'

/** The hooks of pre-commit/pre-commit-hooks run natively, by hook id. */
export const PRE_COMMIT_HOOKS = {
  'check-added-large-files': checkAddedLargeFilesHook,
  'check-ast': checkAstHook,
  'check-case-conflict': checkCaseConflictHook,
  'check-executables-have-shebangs': checkExecutablesHaveShebangsHook,
  'check-json': checkJsonHook,
  'check-merge-conflict': checkMergeConflictHook,
  'check-shebang-scripts-are-executable': checkShebangScriptsAreExecutableHook,
  'check-symlinks': checkSymlinksHook,
  'check-toml': checkTomlHook,
  'check-xml': checkXmlHook,
  'check-yaml': checkYamlHook,
  'debug-statements': debugStatementsHook,
  'detect-private-key': detectPrivateKeyHook,
  'end-of-file-fixer': endOfFileFixerHook,
  'forbid-new-submodules': forbidNewSubmodulesHook,
  'mixed-line-ending': mixedLineEndingHook,
  'name-tests-test': nameTestsTestHook,
  'no-commit-to-branch': noCommitToBranchHook,
  'pretty-format-json': prettyFormatJsonHook,
  'trailing-whitespace': trailingWhitespaceHook,
} satisfies Record<string, NativeHook>

/** Registry of native hooks keyed by `repoKey(url) + '#' + id`. */
export const NATIVE_HOOKS: ReadonlyMap<string, NativeHook> = new Map(
  Object.entries(PRE_COMMIT_HOOKS).map(([id, hook]) => [`${PRE_COMMIT_HOOKS_REPO}#${id}`, hook]),
)

/** The native implementation of a remote hook, if any. */
export function nativeHookFor(repoUrl: string, id: string): NativeHook | undefined {
  return NATIVE_HOOKS.get(`${repoKey(repoUrl)}#${id}`)
}

/**
 * A repository URL reduced to `host/owner/name`, lower-cased: `https://github.com/Org/Repo.git/`,
 * `git@github.com:org/repo` and `ssh://git@github.com/org/repo` are one key.
 */
export function repoKey(url: string): string {
  let s = url.trim()
  const scp = /^[\w.-]+@([^:/]+):(.*)$/.exec(s)
  if (scp) s = `${scp[1]}/${scp[2]}`
  s = s.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '')
  return s
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase()
}

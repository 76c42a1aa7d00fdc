import type { Issue } from './issue.ts'
import type { RequirementsTree } from './requirements-includes.ts'

/**
 * pip's hash-checking mode: once one requirement of an install carries `--hash` (or a file says
 * `--require-hashes`), pip refuses every requirement without a hash and every one not pinned with
 * `==`/`===` ("Hashes are required in --require-hashes mode, but they are missing from some
 * requirements"). Checked per root file over everything it includes; each line reported once.
 */
export function checkHashes(tree: RequirementsTree): Issue[] {
  const issues: Issue[] = []
  const reported = new Set<string>()
  for (const [root, closure] of tree.closures) {
    const installs = closure.filter((p) => !tree.constraintFiles.has(p)).map((p) => tree.files.get(p)!)
    const trigger =
      installs.flatMap((f) =>
        f.entries.filter((e) => e.hashes.length > 0).map((e) => `${e.file}:${e.line} has --hash`),
      )[0] ??
      installs.flatMap((f) =>
        f.options.filter((o) => o.name === '--require-hashes').map((o) => `${f.path}:${o.line} says --require-hashes`),
      )[0]
    if (!trigger) continue
    for (const entry of installs.flatMap((f) => f.entries)) {
      const key = `${entry.file}:${entry.line}`
      if (reported.has(key)) continue
      const specifiers = entry.requirement?.specifier.specifiers ?? []
      const pinned =
        entry.form !== 'specifier' ||
        specifiers.some((s) => (s.operator === '==' && !s.version.endsWith('.*')) || s.operator === '===')
      const problem = entry.editable
        ? 'is editable (there is no single file to hash)'
        : entry.hashes.length === 0
          ? 'has no --hash'
          : !pinned
            ? 'is not pinned with =='
            : undefined
      if (!problem) continue
      reported.add(key)
      issues.push({
        rule: 'missing-hash',
        severity: 'error',
        file: entry.file,
        line: entry.line,
        message: `${entry.text} ${problem}, but installing ${root} runs in hash-checking mode (${trigger}): pip will refuse it`,
        remediation:
          'pin it with == and add its --hash=sha256:… lines (pip-compile --generate-hashes, or uv pip compile --generate-hashes)',
        identity: `${entry.text}:${problem}`,
      })
    }
  }
  return issues
}

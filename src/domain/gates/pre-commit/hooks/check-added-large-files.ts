import { UserError } from '../../../../foundation/errors/user-error.ts'
import { parseHookArgs } from '../hook-args.ts'
import type { GitFacts, HookFile, HookOutcome } from '../hook-types.ts'
import type { NativeHook } from '../native-hook.ts'

export interface LargeFilesOptions {
  maxkb: number // default 500
  enforceAll: boolean // default false: only files staged as added
}

/** `--maxkb=N` (an int, default 500), `--enforce-all`. */
export function parseLargeFilesArgs(args: readonly string[]): LargeFilesOptions {
  const { values } = parseHookArgs('check-added-large-files', args, [
    { dest: 'maxkb', names: ['--maxkb'], action: 'value' },
    { dest: 'enforce_all', names: ['--enforce-all'], action: 'flag' },
  ])
  const raw = (values.maxkb as string | undefined) ?? '500'
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(raw)) {
    throw new UserError(
      'PRE_COMMIT_HOOK_ARGS',
      `hook check-added-large-files: argument --maxkb: invalid int value: '${raw}'`,
      'give --maxkb a whole number of KB, e.g. --maxkb=500',
    )
  }
  return { maxkb: Number.parseInt(raw.replace(/_/g, ''), 10), enforceAll: values.enforce_all === true }
}

/**
 * Files over `maxkb` (size rounded up to whole KB): only those staged as added unless
 * `enforceAll`, never those git-lfs tracks. `{file} ({kb} KB) exceeds {maxkb} KB.`
 */
export function checkAddedLargeFiles(
  files: readonly HookFile[],
  options: LargeFilesOptions,
  facts: GitFacts,
): HookOutcome {
  const problems = []
  const seen = new Set<string>()
  for (const file of files) {
    if (seen.has(file.path)) continue
    seen.add(file.path)
    if (facts.lfsFiles?.has(file.path)) continue
    if (!options.enforceAll && !facts.addedFiles?.has(file.path)) continue
    const kb = Math.ceil(file.bytes.length / 1024)
    if (kb > options.maxkb)
      problems.push({ path: file.path, message: `${file.path} (${kb} KB) exceeds ${options.maxkb} KB.` })
  }
  return { failed: problems.length > 0, problems, fixes: new Map() }
}

export const checkAddedLargeFilesHook: NativeHook = {
  id: 'check-added-large-files',
  manifest: {
    name: 'check for added large files',
    entry: 'check-added-large-files',
    language: 'python',
    stages: ['pre-commit', 'pre-push', 'manual'],
  },
  run(files, args, facts) {
    return checkAddedLargeFiles(files, parseLargeFilesArgs(args), facts)
  },
}

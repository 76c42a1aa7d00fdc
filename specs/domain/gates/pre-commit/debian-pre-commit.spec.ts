// The native planner and pygrep/fail runners against the real pre-commit (Debian's 3.0.4, which
// offline can only run `repo: local` hooks): same fixture repository, same config; verdicts per
// hook and the files each hook saw must agree. Skips when pre-commit is not installed.
import { execFileSync, spawnSync } from 'node:child_process'
import { accessSync, constants, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { planHooks } from '../../../../src/domain/gates/pre-commit/plan-hooks.ts'
import { readPreCommitConfig } from '../../../../src/domain/gates/pre-commit/read-pre-commit-config.ts'
import { runNativeHook } from '../../../../src/domain/gates/pre-commit/run-native-hook.ts'
import { tagsFromPath } from '../../../../src/domain/gates/pre-commit/tags-from-path.ts'
import { tempDir } from '../../../support/temp-dir.ts'

const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0
const REASON =
  'pre-commit is not installed (apt-get install -y pre-commit): the comparison with the real tool is skipped'

// Each system hook runs this script, which appends its hook id and file arguments to args.log.
const LOG_ARGS =
  "import sys\nwith open('args.log', 'a') as f:\n    f.write(sys.argv[1] + '\\t' + '\\t'.join(sorted(sys.argv[2:])) + '\\n')\n"

const CONFIG = String.raw`exclude: ^vendor/
repos:
  - repo: local
    hooks:
      - id: conflict-markers
        name: merge conflict markers
        entry: '^(<<<<<<< |=======$|>>>>>>> )'
        language: pygrep
        types: [text]
      - id: private-key
        name: private keys
        entry: 'BEGIN (RSA|OPENSSH|EC) PRIVATE KEY'
        language: pygrep
        exclude: ^tests/
      - id: nocommit-ci
        name: nocommit (case-insensitive)
        entry: 'nocommit\b'
        language: pygrep
        args: [-i]
        types_or: [python, markdown]
      - id: spdx-header
        name: python files carry SPDX
        entry: '^# SPDX-License-Identifier'
        language: pygrep
        args: [--negate]
        files: \.py$
      - id: multi
        name: multiline def then pass
        entry: 'def \w+\(\):\n\s+pass'
        language: pygrep
        args: [--multiline]
      - id: no-rej
        name: no reject files
        entry: 'reject files are not allowed'
        language: fail
        files: \.(rej|orig)$
      - id: sel-python
        name: python selection
        entry: python3 log_args.py sel-python
        language: system
        types: [python]
        exclude_types: [executable]
      - id: sel-verbose
        name: verbose regex selection
        entry: python3 log_args.py sel-verbose
        language: system
        files: |
          (?x)^(
            src/.*\.py|      # sources
            docs/[^/]+\.md   # top-level docs
          )$
      - id: sel-text-not-json
        name: text but not json
        entry: python3 log_args.py sel-text-not-json
        language: system
        types: [text]
        exclude_types: [json]
        exclude: (?i)readme
      - id: sel-no-files
        name: never matches
        entry: python3 log_args.py sel-no-files
        language: system
        files: ^nothing/
`

const FILES: Record<string, string> = {
  'src/app.py': '# SPDX-License-Identifier: MIT\ndef run():\n    pass\n',
  'src/util.py': 'x = 1  # NOCOMMIT later\n',
  'src/merge.py': '# SPDX-License-Identifier: MIT\n<<<<<<< HEAD\na = 1\n=======\na = 2\n>>>>>>> other\n',
  'docs/README.md': '# Readme\nnocommit: write\n',
  'docs/guide.md': 'Guide\n=======\n',
  'docs/deep/more.md': 'nothing\n',
  'tests/fixtures/key.pem': '-----BEGIN RSA PRIVATE KEY-----\nabc\n',
  'deploy/id_ed25519': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n',
  'data/config.json': '{"nocommit": true}\n',
  'patches/fix.rej': 'rejected hunk\n',
  'vendor/lib.py': 'NOCOMMIT vendored\n<<<<<<< HEAD\n',
  'bin/tool': '#!/usr/bin/env python3\nprint("nocommit")\n',
  'notes.txt': 'caf\xe9 latin1 NOCOMMIT\n',
  'log_args.py': LOG_ARGS,
  '.pre-commit-config.yaml': CONFIG,
}

describe('native hooks against Debian pre-commit', () => {
  test.skipIf(!hasPreCommit)('same verdict and same files per hook on one fixture repository', (ctx) => {
    if (!hasPreCommit) return ctx.skip(REASON)
    const root = tempDir('pre-commit-compare-')
    for (const [path, content] of Object.entries(FILES)) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), Buffer.from(content, path === 'notes.txt' ? 'latin1' : 'utf8'))
    }
    execFileSync('chmod', ['+x', join(root, 'bin/tool')])
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' })
    git('init', '-q')
    git('add', '-A')

    // The real tool: `pre-commit run --all-files`, its own cache in the temp folder.
    const real = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never', '--verbose'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PRE_COMMIT_HOME: join(root, '.pre-commit-home'), SKIP: '' },
    })
    const realOut = real.stdout
    const realVerdict = new Map<string, string>()
    for (const m of realOut.matchAll(/^(.+?)\.{3,}(?:\(no files to check\))?(Passed|Failed|Skipped)$/gm)) {
      realVerdict.set(m[1] as string, m[2] as string)
    }
    // pre-commit splits a hook's files over parallel invocations (xargs): gather every line of a hook.
    const realArgs = new Map<string, string[]>()
    for (const line of readFileSync(join(root, 'args.log'), 'utf8').trim().split('\n')) {
      const [id, ...files] = line.split('\t')
      realArgs.set(id as string, [...(realArgs.get(id as string) ?? []), ...files.filter(Boolean)].sort())
    }

    // Ours: the same config, the same files, tags from the real file system.
    const config = readPreCommitConfig(CONFIG)
    const paths = git('ls-files').trim().split('\n')
    const tagsOf = (path: string) => {
      const full = join(root, path)
      const st = lstatSync(full)
      let executable = true
      try {
        accessSync(full, constants.X_OK)
      } catch {
        executable = false
      }
      const kind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'file'
      return tagsFromPath({
        path,
        kind,
        executable,
        head: st.isFile() ? readFileSync(full).subarray(0, 4096) : new Uint8Array(),
      })
    }
    const plans = planHooks({ config, paths, tagsOf, stage: 'pre-commit', onPath: () => true })
    const names = new Map(config.hooks.map((h) => [h.id, h.fields.name as string]))

    for (const plan of plans) {
      if (plan.kind === 'skipped') throw new Error(`unexpected skip: ${plan.reason}`)
      const name = names.get(plan.hook.id) as string
      const theirs = realVerdict.get(name)
      if (plan.noFiles) {
        expect([plan.hook.id, theirs]).toEqual([plan.hook.id, 'Skipped'])
        continue
      }
      if (plan.kind === 'command') {
        // Same selection: the files pre-commit handed the script are the files we would pass.
        expect([plan.hook.id, [...plan.passFiles].sort()]).toEqual([plan.hook.id, realArgs.get(plan.hook.id)])
        continue
      }
      const files = plan.passFiles.map((path) => ({ path, bytes: new Uint8Array(readFileSync(join(root, path))) }))
      const outcome = runNativeHook(plan, files, {})
      expect([plan.hook.id, outcome.failed ? 'Failed' : 'Passed']).toEqual([plan.hook.id, theirs])
      // The files each pygrep/fail hook names: every problem path appears in pre-commit's output block.
      const block = realOut.split(`- hook id: ${plan.hook.id}`)[1]?.split(/\n(?=\S.*\.{3,})/)[0] ?? ''
      const theirFiles = new Set(
        plan.passFiles.filter((p) =>
          new RegExp(`(^|\\n)${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:|\\n|$)`).test(block),
        ),
      )
      const ourFiles = new Set(outcome.problems.map((p) => p.path))
      expect([plan.hook.id, [...ourFiles].sort()]).toEqual([plan.hook.id, [...theirFiles].sort()])
    }
    // The comparison covered every hook, and both sides saw failures as well as passes.
    expect(plans).toHaveLength(config.hooks.length)
    expect([...realVerdict.entries()].filter(([, v]) => v === 'Failed').map(([k]) => k)).toEqual([
      'merge conflict markers',
      'private keys',
      'nocommit (case-insensitive)',
      'python files carry SPDX',
      'multiline def then pass',
      'no reject files',
    ])
    expect([...realVerdict.values()]).toEqual(expect.arrayContaining(['Passed', 'Skipped']))
  })
})

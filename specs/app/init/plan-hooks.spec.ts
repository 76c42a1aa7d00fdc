import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { hookCall, PACKAGE_ENTRY, planHooks, upgradeHookCall } from '../../../src/app/init/plan-hooks.ts'
import { REPO_ROOT } from '../../support/temp-dir.ts'
import { factsOf } from './virtual-repo.ts'

describe('planHooks()', () => {
  test("free hooks: husky, one script per hook starting node on the package's entry, without NODE_EXTRA_CA_CERTS", () => {
    const plan = planHooks(factsOf({}))
    expect(plan).toMatchObject({ mode: 'husky', dir: '.husky', runHusky: true, manual: [] })
    const node = `CODEX_HOOK_CA_CERTS="\${NODE_EXTRA_CA_CERTS-}" NODE_EXTRA_CA_CERTS= node ${PACKAGE_ENTRY}`
    expect(plan.changes.map((c) => [c.path, c.mode, c.content.split('\n')[1]])).toEqual([
      ['.husky/pre-commit', 0o755, `${node} hook pre-commit`],
      ['.husky/post-commit', 0o755, `${node} hook post-commit`],
      ['.husky/pre-push', 0o755, `${node} hook pre-push "$@"`],
    ])
    expect(PACKAGE_ENTRY).toBe(`./node_modules/codex-gates/${packageBin()}`)
  })

  test("init's earlier hooks (through the bin link) are upgraded in place, once; the user's own lines are kept", () => {
    const earlier = (hook: string) => `./node_modules/.bin/codex-gates hook ${hook}`
    const husky = planHooks(
      factsOf(
        {
          '.husky/pre-commit': `npm test\n# codex-gates: the read-only gates\n${earlier('pre-commit')}\n`,
          '.husky/post-commit': `${hookCall('post-commit')}\n`,
          '.husky/pre-push': 'npx codex-gates hook pre-push "$@"\n', // the user's own call: theirs
        },
        { localHooksPath: '.husky/_', huskyInstalled: true },
      ),
    )
    expect(husky.changes).toEqual([
      {
        path: '.husky/pre-commit',
        action: 'update',
        content: `npm test\n# codex-gates: the read-only gates\n${hookCall('pre-commit')}\n`,
        reason: expect.stringContaining('without parsing NODE_EXTRA_CA_CERTS'),
      },
    ])
    const pushBlock = [
      '#!/bin/sh',
      '# >>> codex-gates: added by `codex-gates init`; delete this block to detach >>>',
      'codex_gates_refs=$(mktemp) || exit 1',
      'cat > "$codex_gates_refs"',
      `${earlier('pre-push')} "$@" < "$codex_gates_refs" || { rm -f "$codex_gates_refs"; exit 1; }`,
      'exec < "$codex_gates_refs"',
      'rm -f "$codex_gates_refs"',
      '# <<< codex-gates <<<',
      'exec other-tool',
      '',
    ].join('\n')
    const folder = planHooks(factsOf({}, { localHooksPath: '.githooks', localHooks: { 'pre-push': pushBlock } }))
    const upgraded = folder.changes.find((c) => c.path === '.githooks/pre-push')
    expect(upgraded?.content).toBe(pushBlock.replace(earlier('pre-push'), hookCall('pre-push')))
    expect(upgradeHookCall(upgraded?.content ?? '', 'pre-push')).toBeUndefined() // once
    const again = planHooks(
      factsOf({}, { localHooksPath: '.githooks', localHooks: { 'pre-push': upgraded?.content ?? '' } }),
    )
    expect(again.changes.map((c) => c.path)).not.toContain('.githooks/pre-push')
  })

  test("husky already set up: the user's hook keeps its commands and gets ours after them; husky is not run again", () => {
    const plan = planHooks(
      factsOf({ '.husky/pre-commit': 'npm test' }, { localHooksPath: '.husky/_', huskyInstalled: true }),
    )
    expect(plan.runHusky).toBe(false)
    expect(plan.changes[0]).toMatchObject({
      path: '.husky/pre-commit',
      action: 'update',
      content: `npm test\n# codex-gates: the read-only gates on the staged content (npx codex-gates hook --help)\n${hookCall('pre-commit')}\n`,
    })
  })

  test("another tool's core.hooksPath inside the repository: our block goes first in its scripts, missing hooks are created", () => {
    const plan = planHooks(
      factsOf(
        {},
        {
          localHooksPath: './.githooks/',
          localHooks: {
            'pre-commit': '#!/usr/bin/env bash\nset -e\nexec lefthook run pre-commit\n',
            'pre-push': '#!/usr/bin/env node\nrequire("./push")\n',
          },
        },
      ),
    )
    expect(plan).toMatchObject({ mode: 'folder', dir: '.githooks', runHusky: false })
    expect(plan.summary).toBe(
      "hooks: core.hooksPath=.githooks (another tool's) is kept; codex-gates is added to its hook scripts in a marked block (delete the block to detach)",
    )
    expect(plan.changes.map((c) => `${c.action} ${c.path}`)).toEqual([
      'update .githooks/pre-commit',
      'create .githooks/post-commit',
    ])
    expect(plan.changes[0]?.content).toBe(
      `#!/usr/bin/env bash\n# >>> codex-gates: added by \`codex-gates init\`; delete this block to detach >>>\n${hookCall('pre-commit')} || exit $?\n# <<< codex-gates <<<\nset -e\nexec lefthook run pre-commit\n`,
    )
    expect(plan.manual[0]).toBe('# .githooks/pre-push is not a shell script; add the equivalent of:')
  })

  test('live hooks in .git/hooks (pre-commit, the framework) are kept the same way', () => {
    const plan = planHooks(factsOf({}, { gitHooks: { 'pre-commit': '#!/usr/bin/env bash\nexec pre-commit\n' } }))
    expect(plan.mode).toBe('folder')
    expect(plan.changes.map((c) => c.path)).toEqual([
      '.git/hooks/pre-commit',
      '.git/hooks/post-commit',
      '.git/hooks/pre-push',
    ])
  })

  test('a core.hooksPath from the global config is never edited: the lines are printed', () => {
    const plan = planHooks(factsOf({}, { outsideHooksPath: '/etc/company-hooks' }))
    expect(plan).toMatchObject({ mode: 'manual', changes: [], runHusky: false })
    expect(plan.summary).toContain('core.hooksPath is set outside this repository (/etc/company-hooks)')
    expect(plan.manual).toContain(`${hookCall('pre-commit')} || exit $?`)
  })
})

/** package.json `bin`: the file the hooks start. */
function packageBin(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }
  return pkg.bin['codex-gates'] as string
}

import { describe, expect, test } from 'vitest'
import { planHooks } from '../../../src/app/init/plan-hooks.ts'
import { factsOf } from './virtual-repo.ts'

describe('planHooks()', () => {
  test('free hooks: husky, one script per hook calling the installed bin directly', () => {
    const plan = planHooks(factsOf({}))
    expect(plan).toMatchObject({ mode: 'husky', dir: '.husky', runHusky: true, manual: [] })
    expect(plan.changes.map((c) => [c.path, c.mode, c.content.split('\n')[1]])).toEqual([
      ['.husky/pre-commit', 0o755, './node_modules/.bin/codex-gates hook pre-commit'],
      ['.husky/post-commit', 0o755, './node_modules/.bin/codex-gates hook post-commit'],
      ['.husky/pre-push', 0o755, './node_modules/.bin/codex-gates hook pre-push "$@"'],
    ])
  })

  test("husky already set up: the user's hook keeps its commands and gets ours after them; husky is not run again", () => {
    const plan = planHooks(
      factsOf({ '.husky/pre-commit': 'npm test' }, { localHooksPath: '.husky/_', huskyInstalled: true }),
    )
    expect(plan.runHusky).toBe(false)
    expect(plan.changes[0]).toMatchObject({
      path: '.husky/pre-commit',
      action: 'update',
      content:
        'npm test\n# codex-gates: the read-only gates on the staged content (npx codex-gates hook --help)\n./node_modules/.bin/codex-gates hook pre-commit\n',
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
      '#!/usr/bin/env bash\n# >>> codex-gates: added by `codex-gates init`; delete this block to detach >>>\n./node_modules/.bin/codex-gates hook pre-commit || exit $?\n# <<< codex-gates <<<\nset -e\nexec lefthook run pre-commit\n',
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
    expect(plan.manual).toContain('./node_modules/.bin/codex-gates hook pre-commit || exit $?')
  })
})

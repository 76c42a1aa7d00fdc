import { HOOK_NAMES, type RepositoryFacts } from './detect-repository.ts'
import type { FileChange } from './file-change.ts'

type HookName = (typeof HOOK_NAMES)[number]

/** How init wires the git hooks, the files it writes for that, and what it tells the user. */
export interface HookPlan {
  /**
   * `husky`: core.hooksPath is free (or husky's already): husky sets it to `.husky/_` and our
   * scripts live in `.husky/`. `folder`: another tool owns the hooks folder, so our call is added
   * to its hook files, marked. `manual`: the folder is outside this repository (a global
   * core.hooksPath): nothing is edited, the lines to add are printed. `package`: init runs on a
   * package folder of a larger repository, whose top owns the hooks.
   */
  mode: 'husky' | 'folder' | 'manual' | 'package'
  /** Where the hooks live (for the summary). */
  dir: string
  /** Run husky to set core.hooksPath and write `.husky/_` (not in a dry run; not when already done). */
  runHusky: boolean
  changes: FileChange[]
  /** One line for the summary, saying what was done and why. */
  summary: string
  /** Lines the user adds by hand (manual mode, or a hook file that is not a shell script). */
  manual: string[]
}

/** The installed package's executable (package.json `bin`), which the hooks start with node directly. */
export const PACKAGE_ENTRY = './node_modules/codex-gates/dist/src/app/cli/main.cjs'

/**
 * The call each hook makes: one `node` on the installed package's entry, no npm or npx and no
 * `#!/usr/bin/env node` lookup in the path (hooks must start fast). Its node starts without
 * NODE_EXTRA_CA_CERTS (Node parses every certificate in that file before running any code, ~40 ms
 * for a system bundle, and a hook makes no TLS connection; an empty value is ignored); the value
 * travels as CODEX_HOOK_CA_CERTS and the hook gives it back to every tool it runs
 * (src/app/hook/ca-certs.ts). Prefix assignments: the rest of the script keeps its environment.
 */
export function hookCall(hook: HookName): string {
  return `CODEX_HOOK_CA_CERTS="\${NODE_EXTRA_CA_CERTS-}" NODE_EXTRA_CA_CERTS= node ${PACKAGE_ENTRY} hook ${hook}`
}

/** The call init wrote before: the bin link (a `sh` and `env` lookup, and the certificates parsed). */
function earlierHookCall(hook: HookName): string {
  return `./node_modules/.bin/codex-gates hook ${hook}`
}

/** True when a hook file already calls codex-gates for this hook (init's mark), the way init writes it today or did. */
export function callsCodexGates(text: string, hook: HookName): boolean {
  return text.includes(`codex-gates hook ${hook}`) || text.includes(`${PACKAGE_ENTRY} hook ${hook}`)
}

/** The hook file with init's earlier call replaced by today's (once: the result has none left); undefined when it has none. */
export function upgradeHookCall(text: string, hook: HookName): string | undefined {
  const earlier = earlierHookCall(hook)
  return text.includes(earlier) ? text.replaceAll(earlier, hookCall(hook)) : undefined
}

/**
 * Plans the git hooks from the repository's hook settings. husky is used only where it takes
 * nothing from anyone: no core.hooksPath of another tool and no live hooks in .git/hooks.
 */
export function planHooks(facts: RepositoryFacts): HookPlan {
  const { hooks } = facts
  if (hooks.packageOf) {
    return {
      mode: 'package',
      dir: hooks.packageOf,
      runHusky: false,
      changes: [],
      summary: `hooks: left to the repository at ${hooks.packageOf} (this folder is a package inside it): run \`npx codex-gates init\` there; the hooks read its codex-gates.json`,
      manual: [],
    }
  }
  const local = hooks.localHooksPath?.replace(/^\.\//, '').replace(/\/+$/, '')
  if (hooks.outsideHooksPath && !local) {
    return {
      mode: 'manual',
      dir: hooks.outsideHooksPath,
      runHusky: false,
      changes: [],
      summary: `hooks: core.hooksPath is set outside this repository (${hooks.outsideHooksPath}), by another tool: left alone; add the lines below to its hook scripts`,
      manual: HOOK_NAMES.flatMap((h) => [`# ${h}:`, ...block(h)]),
    }
  }
  if (local === '.husky/_' || (!local && Object.keys(hooks.gitHooks).length === 0)) {
    const changes: FileChange[] = []
    for (const hook of HOOK_NAMES) {
      const existing = facts.huskyHooks[hook]
      if (existing !== undefined && callsCodexGates(existing, hook)) {
        changes.push(...upgrade(`.husky/${hook}`, existing, hook))
        continue
      }
      changes.push(
        existing === undefined
          ? {
              path: `.husky/${hook}`,
              content: huskyScript(hook),
              action: 'create',
              reason: `husky runs it on ${hook}: ${PURPOSE[hook]}`,
              mode: 0o755,
            }
          : {
              path: `.husky/${hook}`,
              content: `${existing.replace(/\n*$/, '\n')}${huskyLines(hook).join('\n')}\n`,
              action: 'update',
              reason: `your ${hook} hook keeps its commands; codex-gates runs after them`,
            },
      )
    }
    return {
      mode: 'husky',
      dir: '.husky',
      runHusky: local !== '.husky/_' || !hooks.huskyInstalled,
      changes,
      summary:
        'hooks: husky (core.hooksPath=.husky/_), set again by `npm install` for everyone through the "prepare" script',
      manual: [],
    }
  }
  if (local && (local.startsWith('/') || local.startsWith('..'))) {
    return {
      mode: 'manual',
      dir: local,
      runHusky: false,
      changes: [],
      summary: `hooks: core.hooksPath points outside this repository (${local}): left alone; add the lines below to its hook scripts`,
      manual: HOOK_NAMES.flatMap((h) => [`# ${h}:`, ...block(h)]),
    }
  }
  const dir = local ?? hooks.gitHooksDir
  const present = local ? hooks.localHooks : hooks.gitHooks
  const changes: FileChange[] = []
  const manual: string[] = []
  for (const hook of HOOK_NAMES) {
    const path = `${dir}/${hook}`
    const existing = present[hook]
    if (existing !== undefined && callsCodexGates(existing, hook)) {
      changes.push(...upgrade(path, existing, hook))
      continue
    }
    if (existing === undefined) {
      changes.push({
        path,
        content: `#!/bin/sh\n${block(hook).join('\n')}\n`,
        action: 'create',
        reason: `${hook}: ${PURPOSE[hook]}`,
        mode: 0o755,
      })
      continue
    }
    const inserted = insertBlock(existing, hook)
    if (inserted === undefined) {
      manual.push(`# ${path} is not a shell script; add the equivalent of:`, ...block(hook))
      continue
    }
    changes.push({
      path,
      content: inserted,
      action: 'update',
      reason: `${hook}: codex-gates runs first, then the script's own commands (marked block)`,
    })
  }
  const owner = local ? `core.hooksPath=${local} (another tool's)` : `${dir} (hooks another tool installed there)`
  return {
    mode: 'folder',
    dir,
    runHusky: false,
    changes,
    summary: `hooks: ${owner} is kept; codex-gates is added to its hook scripts in a marked block (delete the block to detach)`,
    manual,
  }
}

// --- internal ---

const PURPOSE: Record<HookName, string> = {
  'pre-commit': 'the read-only gates on the staged content',
  'post-commit': 'links the commit to its passing gate run, or records a bypass',
  'pre-push': 'refuses ungated commits, then runs every gate',
}

/** The change that upgrades a hook file holding init's earlier call; none when it is current (or the user's own). */
function upgrade(path: string, text: string, hook: HookName): FileChange[] {
  const content = upgradeHookCall(text, hook)
  if (content === undefined) return []
  return [
    {
      path,
      content,
      action: 'update',
      reason: `${hook}: the codex-gates call starts node on the package directly, without parsing NODE_EXTRA_CA_CERTS (a faster hook; the rest of the file is kept)`,
    },
  ]
}

function huskyLines(hook: HookName): string[] {
  return [
    `# codex-gates: ${PURPOSE[hook]} (npx codex-gates hook --help)`,
    `${hookCall(hook)}${hook === 'pre-push' ? ' "$@"' : ''}`,
  ]
}

function huskyScript(hook: HookName): string {
  return `${huskyLines(hook).join('\n')}\n`
}

/** The marked block for another tool's hook script; pre-push keeps git's ref list on stdin for the rest of it. */
function block(hook: HookName): string[] {
  const open = '# >>> codex-gates: added by `codex-gates init`; delete this block to detach >>>'
  const close = '# <<< codex-gates <<<'
  if (hook === 'pre-push')
    return [
      open,
      'codex_gates_refs=$(mktemp) || exit 1',
      'cat > "$codex_gates_refs"',
      `${hookCall(hook)} "$@" < "$codex_gates_refs" || { rm -f "$codex_gates_refs"; exit 1; }`,
      'exec < "$codex_gates_refs"',
      'rm -f "$codex_gates_refs"',
      close,
    ]
  if (hook === 'post-commit') return [open, `${hookCall(hook)} || true`, close]
  return [open, `${hookCall(hook)} || exit $?`, close]
}

/**
 * The script with our block inserted right after its shebang (or at the top): before the script's
 * own commands, since hook scripts often end in `exec` (pre-commit's does). Undefined when the
 * shebang names an interpreter other than a POSIX-style shell.
 */
function insertBlock(text: string, hook: HookName): string | undefined {
  const lines = text.split('\n')
  const shebang = lines[0]?.startsWith('#!') ? (lines[0] as string) : undefined
  if (shebang && !/\b(?:sh|bash|dash|zsh|ksh)\b/.test(shebang)) return undefined
  const at = shebang ? 1 : 0
  lines.splice(at, 0, ...block(hook))
  return lines.join('\n')
}

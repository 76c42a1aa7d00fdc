import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from '../fs/package-root.ts'

/**
 * True when codex-gates runs as an installed package (compiled `dist/` inside someone's
 * `node_modules`), false in its own checkout (TypeScript sources, or the hook bundle built from them).
 */
export const INSTALLED = fileURLToPath(import.meta.url).startsWith(`${PACKAGE_ROOT}${sep}dist${sep}`)

/** The npm script of this repository's checkout that runs each `codex-gates` verb. */
const SCRIPT_OF: Record<string, string> = {
  run: 'gates',
  scan: 'gates',
  baseline: 'gates',
  manifest: 'gates',
  hook: 'hook',
  ledger: 'ledger',
  report: 'report',
  status: 'status',
}

/**
 * The command a user types for `codex-gates <verb> …` where they are: `npx codex-gates ledger
 * ungated` in a repository that installed the package, `npm run ledger -- ungated` in this one's
 * checkout (where `run` is `npm run gates`). Hints and messages use it so the fix they print works.
 */
export function userCommand(words: string, installed: boolean = INSTALLED): string {
  if (installed) return `npx codex-gates ${words}`
  const [verb = '', ...rest] = words.split(' ')
  const script = SCRIPT_OF[verb]
  if (!script) return `npm run codex-gates -- ${words}`
  const args = script === 'gates' && verb !== 'run' ? [verb, ...rest] : rest
  return args.length > 0 ? `npm run ${script} -- ${args.join(' ')}` : `npm run ${script}`
}

import { defineCommand } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'

/** `codex-gates init`: adopt codex-gates in the repository (filled in by the adoption work). */
export const initCommand = defineCommand({
  name: 'init',
  summary: 'set codex-gates up in this repository: config, hooks, baselines',
  options: {
    'dry-run': { type: 'boolean', description: 'print what would be written, write nothing' },
    root: { type: 'string', valueName: 'dir', description: 'the repository (default: the git root here)' },
  },
  run: () => {
    throw new UserError('BAD_USAGE', 'codex-gates init is not available in this build', 'see README.md')
  },
})

import { GATE_NAMES, type GateName } from '../../domain/gates/gates-config.ts'
import { nearest } from '../../foundation/cli/nearest.ts'
import { UserError } from '../../foundation/errors/user-error.ts'

/** `name` as a built-in gate, or exit 2 naming the nearest one. */
export function checkGateName(name: string): GateName {
  if ((GATE_NAMES as readonly string[]).includes(name)) return name as GateName
  const close = nearest(name, GATE_NAMES)
  throw new UserError(
    'GATES_SCAN',
    `no gate named "${name}"`,
    `${close ? `did you mean ${close}? ` : ''}gates: ${GATE_NAMES.join(', ')}`,
  )
}

/** The `--root` option every gates verb takes. */
export const ROOT_OPTION = {
  root: {
    type: 'string',
    valueName: 'dir',
    description: 'the repository to gate (default: GATES_ROOT, else this repository)',
  },
} as const

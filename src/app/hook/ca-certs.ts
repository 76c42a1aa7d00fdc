import { setting } from '../../foundation/settings/settings.ts'

/**
 * The environment a hook's tools get: NODE_EXTRA_CA_CERTS given back. The hook scripts (.husky/)
 * start the hook's own node without it, since Node parses every certificate in that file before
 * running any code (~45 ms for a whole system bundle) and the hook makes no TLS connection; they
 * pass it on as CODEX_HOOK_CA_CERTS, and what the hook runs (command gates, pre-commit hooks,
 * pre-push's gates run) sees NODE_EXTRA_CA_CERTS as git gave it. The hooks `init` writes
 * (src/app/init/plan-hooks.ts) set it empty for the hook's node alone (prefix assignments, so the
 * rest of a user's script keeps it): that placeholder goes too, so a variable that was unset
 * stays unset.
 */
export function withCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!('CODEX_HOOK_CA_CERTS' in env)) return env
  const certs = setting('CODEX_HOOK_CA_CERTS', env)
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env))
    if (name !== 'CODEX_HOOK_CA_CERTS' && name !== 'NODE_EXTRA_CA_CERTS') out[name] = value
  if (certs !== undefined) out.NODE_EXTRA_CA_CERTS = certs
  return out
}

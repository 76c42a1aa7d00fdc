// Entry for `node --import=<this file>` (the drift cells put it in NODE_OPTIONS, so child
// processes inherit it): hides the packages named in CODEX_DRIFT_WITHOUT from both module systems.
// ESM goes through the `module.register` hook; CommonJS `require` does not on Node 20
// (`module.registerHooks`, which would cover both, arrived in Node 22.15), so require's resolver
// is wrapped with the same rule.
import Module, { register } from 'node:module'
import { hiddenError, hiddenPackage, parseWithout } from './without-hook.mjs'

const REGISTERED = Symbol.for('codex-gates.drift.without')
const hidden = parseWithout(process.env.CODEX_DRIFT_WITHOUT)

if (hidden.length > 0 && !globalThis[REGISTERED]) {
  globalThis[REGISTERED] = hidden
  register('./without-hook.mjs', import.meta.url, { data: { hidden } })
  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function resolveHidden(request, parent, ...rest) {
    const from = parent?.filename ?? undefined
    const named = hiddenPackage(request, from, null, hidden)
    if (named) throw hiddenError(named, request, from, 'MODULE_NOT_FOUND')
    const filename = resolveFilename.call(this, request, parent, ...rest)
    const dep = hiddenPackage(request, from, filename, hidden)
    if (dep) throw hiddenError(dep, request, from, 'MODULE_NOT_FOUND')
    return filename
  }
}

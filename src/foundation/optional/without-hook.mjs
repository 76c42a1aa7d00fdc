// The drift matrix's module-resolution hook (Node's `module.register`): the optional dependencies
// named in CODEX_DRIFT_WITHOUT resolve as if they were not installed, so every code path that
// needs one can be run in its absence without uninstalling anything. Plain JavaScript because it
// runs on Node's hooks thread and in `--import`, before any TypeScript loader exists.

/** Appended to every error the hook raises, so a reader can tell "hidden" from "missing". */
export const HIDDEN_MARKER = 'hidden by CODEX_DRIFT_WITHOUT'

/** `a,b , c` → ['a', 'b', 'c']; empty or unset → []. */
export function parseWithout(value) {
  return (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
}

/**
 * The hidden package that resolving `specifier` from `parent` to `resolved` would load, or null.
 * A request is hidden when it lands inside `node_modules/<dep>/`, however it was spelled (bare
 * name, deep path, absolute path, file URL), except:
 * - from inside the package itself (its own relative imports, if it was loaded by the runner), and
 * - a bare request made by Vitest for itself (loading its coverage provider): the cell hides a
 *   dependency from the code under test, not from the test runner. What the code under test
 *   imports reaches Node through Vitest's module-evaluator, so that file gets no exemption.
 */
export function hiddenPackage(specifier, parent, resolved, hidden) {
  if (hidden.length === 0) return null
  const target = normalise(resolved ?? specifier)
  const from = normalise(parent ?? '')
  for (const dep of hidden) {
    const inside = `/node_modules/${dep}/`
    const named = specifier === dep || specifier.startsWith(`${dep}/`)
    if (!named && !target.includes(inside)) continue
    if (from.includes(inside)) continue
    if (isBare(specifier) && isRunner(from)) continue
    return dep
  }
  return null
}

/** The error Node would raise for a package that is not installed, marked as hidden. */
export function hiddenError(dep, specifier, parent, code) {
  const where = parent ? ` imported from ${parent}` : ''
  const error = new Error(`Cannot find package '${dep}'${where} (${HIDDEN_MARKER}; requested as '${specifier}')`)
  error.code = code
  return error
}

// --- the hook itself (runs on Node's hooks thread) ---

let hidden = []

export async function initialize(data) {
  hidden = Array.isArray(data?.hidden) ? data.hidden : []
}

export async function resolve(specifier, context, nextResolve) {
  const named = hiddenPackage(specifier, context.parentURL, null, hidden)
  if (named) throw hiddenError(named, specifier, context.parentURL, 'ERR_MODULE_NOT_FOUND')
  const result = await nextResolve(specifier, context)
  const dep = hiddenPackage(specifier, context.parentURL, result.url, hidden)
  if (dep) throw hiddenError(dep, specifier, context.parentURL, 'ERR_MODULE_NOT_FOUND')
  return result
}

// --- internal ---

function normalise(path) {
  let text = String(path)
  if (text.startsWith('file://')) {
    try {
      text = decodeURIComponent(new URL(text).pathname)
    } catch {
      // not a valid URL: match it as written
    }
  }
  return text.replaceAll('\\', '/')
}

function isRunner(parent) {
  return parent.includes('/node_modules/vitest/') && !parent.endsWith('/module-evaluator.js')
}

function isBare(specifier) {
  return !/^(\.{1,2}\/|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier)
}

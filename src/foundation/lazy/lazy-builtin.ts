import { createRequire } from 'node:module'

/**
 * A Node builtin required on the first call and kept, instead of imported: what an import loads
 * runs at start-up in every process that imports the module, whether it is used or not.
 */
export function lazyBuiltin<T>(specifier: `node:${string}`): () => T {
  let loaded: T | undefined
  return () => {
    loaded ??= createRequire(import.meta.url)(specifier) as T
    return loaded
  }
}

import type { CacheInputs } from '../gate.ts'
import { pythonDepsSkipReason } from './dependency-file.ts'
import type { PythonDepsConfig } from './python-deps-config.ts'

/**
 * The python-deps gate's skip reason and cache inputs. Most repositories have no Python
 * dependency file: the skip needs only the file names, and the parsers load when the inputs are asked.
 */
export const pythonDepsKey = {
  skipReason: pythonDepsSkipReason,
  cacheInputs: async (root: string, files: readonly string[], config: PythonDepsConfig): Promise<CacheInputs> =>
    (await import('./python-deps.ts')).pythonDepsGate.cacheInputs(root, files, config),
}

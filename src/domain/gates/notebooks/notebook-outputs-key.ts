import type { CacheInputs } from '../gate.ts'
import { isNotebookPath } from './notebook-path.ts'

/** The notebook-outputs gate's skip reason and cache inputs: the notebooks, without the reader. */
export const notebookOutputsKey = {
  skipReason: (_root: string, files: readonly string[]): string | undefined =>
    files.some(isNotebookPath) ? undefined : 'no .ipynb files',
  cacheInputs: (_root: string, files: readonly string[]): CacheInputs => ({ contents: files.filter(isNotebookPath) }),
}

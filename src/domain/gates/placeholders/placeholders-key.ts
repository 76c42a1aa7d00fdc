import type { Gate } from '../gate.ts'

/** The placeholders gate's cache inputs: every file and the ratchet's baseline. */
export const placeholdersKey = {
  cacheInputs: (_root, files, config) => ({ contents: [...files, config.baseline] }),
} satisfies Pick<Gate<'placeholders'>, 'cacheInputs'>

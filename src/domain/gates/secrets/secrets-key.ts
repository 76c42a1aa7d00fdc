import type { Gate } from '../gate.ts'

/** The secrets gate's cache inputs: every file, the baseline and a detect-secrets baseline. */
export const secretsKey = {
  cacheInputs: (_root, files, config) => ({
    contents: [...files, config.baseline, ...(config.detect_secrets_baseline ? [config.detect_secrets_baseline] : [])],
  }),
} satisfies Pick<Gate<'secrets'>, 'cacheInputs'>

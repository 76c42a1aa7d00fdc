import { extname } from 'node:path'
import type { Gate } from '../gate.ts'

/** The docs-links gate's cache inputs: the Markdown files, and the listing (links resolve against it). */
export const docsLinksKey = {
  cacheInputs: (_root, files, config) => ({
    contents: files.filter((f) => config.extensions.includes(extname(f).toLowerCase())),
    listing: true,
  }),
} satisfies Pick<Gate<'docs-links'>, 'cacheInputs'>

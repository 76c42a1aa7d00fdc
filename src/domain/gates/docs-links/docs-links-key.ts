import { extname } from 'node:path'
import type { Gate } from '../gate.ts'

/** The docs-links gate's cache inputs: the Markdown files, and the listing (links resolve against it). */
export const docsLinksKey = {
  cacheInputs: (_root, files, config) => {
    // A file ending in none of the extensions (any case, trailing separators aside) cannot have
    // one: only those that do are asked of extname, which costs ~2 µs a path before the JIT warms
    // up (~1,200 paths a warm run).
    const endings = new RegExp(
      `(?:${config.extensions.map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\/]*$`,
      'i',
    )
    return {
      contents: files.filter(
        (f) => config.extensions.length > 0 && endings.test(f) && config.extensions.includes(extname(f).toLowerCase()),
      ),
      listing: true,
    }
  },
} satisfies Pick<Gate<'docs-links'>, 'cacheInputs'>

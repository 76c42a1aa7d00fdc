import { EXTENSIONS, EXTENSIONS_NEED_BINARY_CHECK, INTERPRETERS, NAMES } from './identify-tables.ts'

/** Every tag identify can give (its `ALL_TAGS`): what `types`, `types_or` and `exclude_types` may name. */
export const ALL_TAGS: ReadonlySet<string> = new Set([
  'directory',
  'symlink',
  'socket',
  'file',
  'executable',
  'non-executable',
  'text',
  'binary',
  ...[EXTENSIONS, EXTENSIONS_NEED_BINARY_CHECK, NAMES, INTERPRETERS].flatMap((table) => Object.values(table).flat()),
])

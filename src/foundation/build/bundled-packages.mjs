// npm packages inside our esbuild bundles: which ones, and their licences kept with them. The CLI
// (scripts/build-dist.mjs) and the prebuilt bundles (prebuilt-bundle.mjs) leave every package
// external (loaded from node_modules at run time) except those named here. Plain JavaScript on
// purpose: it must run where tsx is not loaded.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3's own JavaScript (its lib/ files, through src/foundation/optional/bundled-sqlite.cjs),
 * bundled so that it is compiled from the bundle's code cache; used only where it is the installed
 * version (src/foundation/optional/sqlite-driver.ts). Its binary always stays the installed one.
 */
export const BUNDLED_SQLITE = 'better-sqlite3'

/**
 * esbuild plugin: npm packages stay external (loaded from node_modules), except `bundled` ones,
 * which go into the bundle. For a package of many CommonJS files (yaml: ~35), one bundled chunk
 * loads in a third of the time Node's require takes over them.
 */
export function externalExcept(bundled) {
  const inside = new Set(bundled)
  return {
    name: 'external-except',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const parts = args.path.split('/')
        const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
        return inside.has(name) ? undefined : { path: args.path, external: true }
      })
    },
  }
}

/**
 * The licence of every npm package with files in `inputs` (an esbuild output's `inputs`, paths
 * relative to `root`), as one comment to put first in that output: the MIT and ISC licences ask
 * that their notice go with every copy, and the CLI bundle ships in the package. '' when none.
 */
export function licenceComment(root, inputs) {
  const packages = new Map()
  for (const path of Object.keys(inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
    if (match) packages.set(match[1], join(root, path.slice(0, match.index + match[0].length)))
  }
  const notices = [...packages]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, dir]) => {
      const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      const text = licenceText(dir) ?? `${license} licence (no licence file in the package)`
      return `${name} ${version}, bundled here:\n\n${text.trim()}`
    })
  if (notices.length === 0) return ''
  return `/*!\n${notices.join('\n\n---\n\n').replaceAll('*/', '* /')}\n*/\n`
}

// --- internal ---

function licenceText(dir) {
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'license']) {
    try {
      return readFileSync(join(dir, name), 'utf8')
    } catch {
      // not this name
    }
  }
  return undefined
}

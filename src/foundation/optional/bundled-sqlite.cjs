// better-sqlite3's own JavaScript (MIT licence, © Joshua Wise; its text is in the bundles' banner),
// for the CLI's and the hook runner's bundles to carry: esbuild puts these two requires' files into
// each bundle (src/foundation/build/bundled-packages.mjs), where V8 compiles them from the bundle's
// code cache, instead of Node's CommonJS loader resolving, reading and compiling its ~12 files on
// every run that opens the ledger (5–7 ms of a warm `codex-gates run`, measured). Unbundled (tsx,
// Vitest, dist/'s own modules) both are the installed package's files. src/foundation/optional/
// sqlite-driver.ts uses the copy only where it is the installed version. Plain JavaScript (CommonJS):
// esbuild bundles only what a `require` of a literal names.
'use strict'

/** The version of the JavaScript `load` returns (inside a bundle: the version that was bundled). */
exports.version = () => require('better-sqlite3/package.json').version

/**
 * better-sqlite3's Database class. Inside a bundle it must be given `nativeBinding` (the binary by
 * its path): the `bindings` helper it would otherwise search with is not bundled.
 */
exports.load = () => require('better-sqlite3/lib/database.js')

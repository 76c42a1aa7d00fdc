// Builds dist/ for the package (npm pack runs it as `prepack`): TypeScript 7 compiles src/ and
// gates/ to plain JavaScript with declarations (relative `.ts` imports rewritten to `.js`), and
// the plain-JS modules (`.mjs`, `.cjs`, `.d.mts`, `.d.cts`) and Python files (the python-drift sitecustomize) are
// copied beside them; then the CLI entry is bundled (bundleCli). Plain JavaScript on purpose.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BUNDLED_SQLITE, externalExcept, licenceComment } from '../src/foundation/build/bundled-packages.mjs'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
const tsc = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc')
execFileSync(tsc, ['-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' })
let copied = 0
for (const file of walk(join(root, 'src'))) {
  if (!/\.(mjs|cjs|d\.mts|d\.cts|py)$/.test(file)) continue
  const target = join(dist, relative(root, file))
  mkdirSync(dirname(target), { recursive: true })
  copyFileSync(file, target)
  copied++
}
// The compiled scanners' hash (part of every result-cache key), computed once here instead of on
// every run: the installed package's files change only when it is built again.
const { hashScannerSources, SCANNER_HASH_FILE } = await import(
  pathToFileURL(join(dist, 'src', 'domain', 'gates', 'cache-key.js')).href
)
writeFileSync(join(dist, 'src', SCANNER_HASH_FILE), `${hashScannerSources(join(dist, 'src'), '.js')}\n`)
// Likewise the config schema's (part of the commit hook's config cache key, hook-config.ts): the
// hook then loads no node:crypto to hash it on every commit.
const { SCHEMA_HASH_FILE, SCHEMA } = await import(
  pathToFileURL(join(dist, 'src', 'adapters', 'hooks', 'hook-config.js')).href
)
const schemaHash = createHash('sha256')
  .update(readFileSync(join(root, SCHEMA)))
  .digest('hex')
writeFileSync(join(dist, 'src', SCHEMA_HASH_FILE), `${schemaHash}\n`)
const bundled = await bundleCli(join(dist, 'src', 'app', 'cli'))
for (const bin of ['main.js', 'main.cjs']) chmodSync(join(dist, 'src', 'app', 'cli', bin), 0o755)
process.stdout.write(`codex-gates: dist/ built (${copied} plain-JS and Python files copied; ${bundled})\n`)

/**
 * The `codex-gates` executable, bundled in two files beside the compiled CLI:
 * - main.bundle.cjs: the program (main.js and all it imports, ~360 modules) in one CommonJS-shaped
 *   file; its lazy imports stay lazy (esbuild runs a module's body on its first import). One file
 *   read instead of ~140 module loads; CommonJS so that the executable can compile it through V8's
 *   code cache (`vm.Script`, src/foundation/build/cached-script.cjs), which Node 20 offers for
 *   no ES module. `import.meta` becomes the executable's own (`__codexImportMeta`, handed in by
 *   bin.ts): every `import.meta.url` keeps meaning its compiled module under dist/src/ (a relative
 *   URL from the bundle's folder), so package-relative paths, the scanners' hash and the Vitest
 *   path are those of the unbundled files. main.bundle.json beside it: its hash (the cache key)
 *   and whether it is pure ASCII.
 * - main.cjs (package.json `bin`) and main.js: bin.js bundled, the small loader of the program, as
 *   CommonJS and as an ES module.
 * Without esbuild (a devDependency) main.js stays the plain entry, which main.cjs imports.
 */
async function bundleCli(cliDir) {
  let build
  try {
    ;({ build } = await import('esbuild'))
  } catch {
    // The `bin` still starts: it imports the plain entry.
    writeFileSync(
      join(cliDir, 'main.cjs'),
      "#!/usr/bin/env node\nimport(require('node:url').pathToFileURL(require('node:path').join(__dirname, 'main.js')).href)\n",
    )
    return 'CLI not bundled: esbuild is not installed'
  }
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(cliDir, 'main.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Every npm package stays external but better-sqlite3's JavaScript (bundled-packages.mjs says why).
    define: { 'import.meta': '__codexImportMeta' },
    plugins: [compiledModuleUrls(cliDir), externalExcept([BUNDLED_SQLITE])],
    charset: 'ascii',
    metafile: true,
    write: false,
    outfile: join(cliDir, 'main.bundle.cjs'),
    logLevel: 'warning',
    legalComments: 'none',
  })
  // A vm.Script cannot `import()` on Node 20 (src/foundation/build/import-url.ts says how the
  // program imports instead): any `import('literal')` left in the bundle would fail at run time.
  const dynamic = Object.values(result.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
  )
  if (dynamic.length > 0)
    throw new Error(`the CLI bundle keeps dynamic import() of ${dynamic.join(', ')}: use importUrl or a static import`)
  // The wrapper function's body: no hashbang (main.ts's) inside it; first, the bundled packages' licences.
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {}
  const text = asciiOnly(licenceComment(root, inputs) + result.outputFiles[0].text.replace(/^#!.*\n/, ''))
  const bytes = Buffer.from(text)
  const ascii = bytes.every((b) => b < 0x80)
  writeFileSync(join(cliDir, 'main.bundle.cjs'), bytes)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  writeFileSync(join(cliDir, 'main.bundle.json'), `${JSON.stringify({ sha256, ascii })}\n`)
  const loader = {
    absWorkingDir: root,
    entryPoints: [join(cliDir, 'bin.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    allowOverwrite: true,
    logLevel: 'warning',
    legalComments: 'none',
  }
  // The loader's code-cache module is CommonJS (src/foundation/build/cached-script.cjs): inside an
  // ES module its `require` of Node's builtins needs one.
  await build({
    ...loader,
    format: 'esm',
    outfile: join(cliDir, 'main.js'),
    banner: {
      js: "import { createRequire as __codexCreateRequire } from 'node:module'; const require = __codexCreateRequire(import.meta.url);",
    },
  })
  // The same loader as CommonJS (package.json `bin`): Node starts a CommonJS entry without its ES
  // module loader (~6 ms less per start, measured). Its `import.meta.resolve` resolves as
  // `require.resolve` does (the "require" export conditions); `import()` is Node's own.
  await build({
    ...loader,
    format: 'cjs',
    outfile: join(cliDir, 'main.cjs'),
    define: { 'import.meta.url': '__codexBinUrl', 'import.meta.resolve': '__codexBinResolve' },
    banner: {
      js: [
        "'use strict'",
        "const __codexBinUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'main.js')).href;",
        "const __codexBinResolve = (s) => require('node:url').pathToFileURL(require.resolve(s)).href;",
      ].join('\n'),
    },
  })
  const note = ascii ? '' : ', not pure ASCII: read as UTF-8'
  return `CLI bundled from ${Object.keys(result.metafile.inputs).length} modules${note}`
}

/** esbuild plugin: `import.meta.url` of each module becomes its own file's URL, relative to `outDir`. */
function compiledModuleUrls(outDir) {
  return {
    name: 'compiled-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.m?js$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8')
        if (!text.includes('import.meta.url')) return undefined
        const rel = relative(outDir, args.path).split('\\').join('/')
        const url = `new URL(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)}, import.meta.url).href`
        return { contents: text.replaceAll('import.meta.url', url), loader: 'js' }
      })
    },
  }
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else yield path
  }
}

/**
 * The bundle with every non-ASCII character left in it written as a \u escape. esbuild's ASCII
 * charset escapes those of strings and names; what is left is in comments and licences, where the
 * escape changes nothing. An ASCII bundle is read as latin1 without a UTF-8 decode, and V8 keeps
 * its source one byte per character: one en dash in a comment cost every warm run ~7 ms (paired
 * runs of two builds side by side).
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

// Builds dist/ for the package (npm pack runs it as `prepack`): TypeScript 7 compiles src/ and
// gates/ to plain JavaScript with declarations (relative `.ts` imports rewritten to `.js`), and
// the plain-JS modules (`.mjs`, `.d.mts`) and Python files (the python-drift sitecustomize) are
// copied beside them; then the CLI entry is bundled (bundleCli). Plain JavaScript on purpose.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
const tsc = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc')
execFileSync(tsc, ['-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' })
let copied = 0
for (const file of walk(join(root, 'src'))) {
  if (!/\.(mjs|d\.mts|py)$/.test(file)) continue
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
const bundled = await bundleCli(join(dist, 'src', 'app', 'cli'))
chmodSync(join(dist, 'src', 'app', 'cli', 'main.js'), 0o755)
process.stdout.write(`codex-gates: dist/ built (${copied} plain-JS and Python files copied; ${bundled})\n`)

/**
 * The `codex-gates` executable bundled: dist/src/app/cli/main.js becomes one file (its lazy
 * imports stay lazy: esbuild runs a module's body on its first import). A warm `codex-gates run`
 * otherwise loads ~140 modules one by one (each an open, fstat, read, compile and link). Every `import.meta.url` keeps
 * meaning its compiled module under dist/src/ (a relative URL from the bundle), so package-relative
 * paths, the scanners' hash and the Vitest path are those of the unbundled files. Without esbuild
 * (a devDependency) main.js stays the plain entry.
 */
async function bundleCli(cliDir) {
  let build
  try {
    ;({ build } = await import('esbuild'))
  } catch {
    return 'CLI not bundled: esbuild is not installed'
  }
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: join(cliDir, 'main.js') },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // One file: V8 only pre-parses the functions a run never calls, and one file read beats the
    // ~80 chunks splitting made (a warm run ~25 ms faster, measured side by side).
    splitting: false,
    outdir: cliDir,
    allowOverwrite: true,
    plugins: [compiledModuleUrls(cliDir)],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  })
  return `CLI bundled from ${Object.keys(result.metafile.inputs).length} modules`
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

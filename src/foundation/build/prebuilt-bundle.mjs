// Prebuilt bundles: TypeScript entry points bundled by esbuild (installed as tsx's dependency) into
// a git-ignored folder under .codex/, so a process pays for one plain `node` import instead of
// compiling TypeScript module by module. A stamp with the sha1 of every bundled source file tells
// whether a bundle is stale; npm packages stay external (node_modules). Used by the hook runner
// (.husky/runner-bundle.mjs) and the ledger reporter (src/adapters/reporter/ledger-reporter-entry.ts).
// Plain JavaScript on purpose: it must run where tsx is not loaded.
import { createHash, randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundleState, runCodeCached, STAMP_VERSION, sha1, statKey } from './bundle-stamp.cjs'
import { externalExcept, licenceComment } from './bundled-packages.mjs'

export { runCodeCached }

/** The repository root (this file is src/foundation/build/prebuilt-bundle.mjs). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/**
 * A bundle of `entries` ({ outputName: 'path/from/root.ts' }) in `dir`. With `splitting`, what
 * the entries import lazily becomes chunks; with `sourceUrls`, `import.meta.url` (and `.dirname`,
 * `.filename`) keep meaning the original source file, so paths computed from them are the same
 * inside the bundle as in the sources. The entries named in `codeCached` are built as one
 * CommonJS-shaped `<name>.cjs` each instead (no chunks), to be compiled through V8's code cache
 * by `runCodeCached`; their `import.meta` is the one the caller hands in.
 */
export function prebuiltBundle({
  dir,
  entries,
  splitting = false,
  sourceUrls = false,
  bundled = [],
  codeCached = [],
  data = [],
  digests = {},
}) {
  const stampPath = join(dir, 'stamp.json')
  return {
    dir,
    /** The built file of one entry. */
    output: (name) => join(dir, `${name}.${codeCached.includes(name) ? 'cjs' : 'mjs'}`),
    /** `{ fresh, reason }`: whether the bundle exists and every source it was built from is unchanged. */
    state: () => bundleState(stampPath, ROOT),
    /** Builds it; each file written to a temp name and renamed into place, the stamp last. */
    build: () => buildBundle({ dir, entries, splitting, sourceUrls, bundled, codeCached, data, digests, stampPath }),
  }
}

async function buildBundle({ dir, entries, splitting, sourceUrls, bundled, codeCached, data, digests, stampPath }) {
  const { build } = await import('esbuild')
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: bundled.length > 0 ? undefined : 'external',
    outdir: dir,
    plugins: [...(sourceUrls ? [keepSourceUrls] : []), ...(bundled.length > 0 ? [externalExcept(bundled)] : [])],
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  }
  const pick = (cached) =>
    Object.fromEntries(Object.entries(entries).filter(([name]) => codeCached.includes(name) === cached))
  const results = []
  if (Object.keys(pick(false)).length > 0)
    results.push(
      await build({
        ...common,
        entryPoints: pick(false),
        format: 'esm',
        splitting,
        chunkNames: 'chunk-[hash]',
        outExtension: { '.js': '.mjs' },
        // A bundled CommonJS package requires Node's builtins (yaml: `process`): give its chunks a require.
        banner:
          bundled.length > 0
            ? {
                js: "import { createRequire as __codexRequire } from 'node:module'; const require = __codexRequire(import.meta.url);",
              }
            : undefined,
      }),
    )
  if (codeCached.length > 0) {
    const cjs = await build({
      ...common,
      entryPoints: pick(true),
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      define: { 'import.meta': '__codexImportMeta' },
    })
    // A vm.Script cannot `import()` on Node 20 (see src/foundation/build/import-url.ts).
    const dynamic = Object.values(cjs.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
    )
    if (dynamic.length > 0)
      throw new Error(`${Object.keys(pick(true)).join(', ')} keep import() of ${dynamic.join(', ')}`)
    results.push(cjs)
  }
  const result = {
    metafile: { inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)) },
    // Each file with the licences of the npm packages bundled into it (bundled-packages.mjs).
    outputFiles: results.flatMap((r) =>
      r.outputFiles.map((file) => {
        const notice = licenceComment(ROOT, r.metafile.outputs[relative(ROOT, file.path)]?.inputs ?? {})
        return notice ? { path: file.path, contents: Buffer.concat([Buffer.from(notice), file.contents]) } : file
      }),
    ),
  }
  mkdirSync(dir, { recursive: true })
  const inputs = {}
  const stats = {}
  // Stat data before the bytes, so a file written after its stat no longer matches it. A file
  // changed within the last second is not given any: a second write in the same timestamp tick
  // could keep its stat data (git's racily clean entries), so it is hashed on every check instead.
  const racyAfterMs = Date.now() - 1000
  for (const path of [...new Set([...Object.keys(result.metafile.inputs), ...data])].sort()) {
    const stat = statKey(join(ROOT, path))
    inputs[path] = sha1(readFileSync(join(ROOT, path)))
    if (stat.changedMs < racyAfterMs) stats[path] = [...stat.key, inputs[path]]
  }
  // Each digest: sha256 over the [path, sha1] pairs of the inputs its pattern matches, so that the
  // bundle's code reads an identity of those sources from the stamp instead of hashing at run time.
  const digested = Object.fromEntries(
    Object.entries(digests).map(([name, pattern]) => {
      const re = new RegExp(pattern)
      const matched = Object.entries(inputs).filter(([path]) => re.test(path))
      return [name, createHash('sha256').update(JSON.stringify(matched)).digest('hex')]
    }),
  )
  // Chunks first, then the entries, the first-named last: an entry loads chunks (and the runner
  // starts its worker) only once it runs itself, so nothing ever loads a file older than itself.
  const names = Object.keys(entries)
  const rank = (path) => {
    const index = names.findIndex((name) => [`${name}.mjs`, `${name}.cjs`].some((f) => join(dir, f) === path))
    return index < 0 ? -Infinity : -index
  }
  const outputs = [...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path))
  for (const file of outputs) writeAtomic(file.path, file.contents)
  writeAtomic(
    stampPath,
    // One line: every hook start parses it (bundleState), ~40% faster than the indented text.
    `${JSON.stringify({ version: STAMP_VERSION, node: process.versions.node, inputs, stats, digests: digested })}\n`,
  )
  removeOldChunks(dir, new Set(outputs.map((f) => f.path)))
  return { dir: relative(ROOT, dir), inputs: Object.keys(inputs).length }
}

/** esbuild plugin: `import.meta.url|dirname|filename` of each source become its own path. */
const keepSourceUrls = {
  name: 'keep-source-urls',
  setup(build) {
    build.onLoad({ filter: /\.(m?[jt]s)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8')
      if (!text.includes('import.meta.')) return undefined
      const contents = text
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' }
    })
  },
}

/** Chunks of earlier builds, once no process started before this build can still be loading them. */
function removeOldChunks(dir, current) {
  const cutoff = Date.now() - 10 * 60_000
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (!name.startsWith('chunk-') || current.has(path)) continue
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true })
    } catch {
      // removed meanwhile by a concurrent build
    }
  }
}

function writeAtomic(path, data) {
  const temp = `${path}.tmp-${randomUUID()}`
  try {
    writeFileSync(temp, data)
    renameSync(temp, path)
  } finally {
    rmSync(temp, { force: true })
  }
}

// Builds dist/ for the package (npm pack runs it as `prepack`): TypeScript 7 compiles src/ and
// gates/ to plain JavaScript with declarations (relative `.ts` imports rewritten to `.js`), and
// the plain-JS modules (`.mjs`, `.d.mts`) and Python files (the python-drift sitecustomize) are
// copied beside them. Plain JavaScript on purpose.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
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
chmodSync(join(dist, 'src', 'app', 'cli', 'main.js'), 0o755)
// The compiled scanners' hash (part of every result-cache key), computed once here instead of on
// every run: the installed package's files change only when it is built again.
const { hashScannerSources, SCANNER_HASH_FILE } = await import(
  pathToFileURL(join(dist, 'src', 'domain', 'gates', 'cache-key.js')).href
)
writeFileSync(join(dist, 'src', SCANNER_HASH_FILE), `${hashScannerSources(join(dist, 'src'), '.js')}\n`)
process.stdout.write(`codex-gates: dist/ built (${copied} plain-JS and Python files copied)\n`)

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else yield path
  }
}

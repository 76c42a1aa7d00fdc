// Builds dist/ for the package (npm pack runs it as `prepack`): TypeScript 7 compiles src/ and
// gates/ to plain JavaScript with declarations (relative `.ts` imports rewritten to `.js`), and
// the plain-JS modules (`.mjs`, `.d.mts`) and Python files (the python-drift sitecustomize) are
// copied beside them. Plain JavaScript on purpose.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

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
process.stdout.write(`codex-gates: dist/ built (${copied} plain-JS and Python files copied)\n`)

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else yield path
  }
}

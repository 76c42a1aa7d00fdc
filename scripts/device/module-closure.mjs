// Prints, one per line, the node_modules folders (relative to the repo root) that the given
// packages need at run time: their dependencies, optional and peer dependencies that are
// installed, resolved the way Node does (nearest node_modules up the tree). Used by pack.sh.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = process.cwd()
const roots = process.argv.slice(2)
if (roots.length === 0) {
  process.stderr.write('usage: node scripts/device/module-closure.mjs <package> [...]\n')
  process.exit(2)
}

/** The folder `name` resolves to from `fromDir` (a package folder), or undefined. */
function resolvePackage(name, fromDir) {
  let dir = fromDir
  while (true) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dir === root) return undefined
    const parent = dirname(dir)
    if (parent === dir || !parent.startsWith(root)) return undefined
    dir = parent
  }
}

const seen = new Set()
const queue = []
for (const name of roots) {
  const dir = resolvePackage(name, root)
  if (!dir) {
    process.stderr.write(`module-closure: ${name} is not installed; run npm ci first\n`)
    process.exit(1)
  }
  queue.push(dir)
}
while (queue.length > 0) {
  const dir = queue.shift()
  if (seen.has(dir)) continue
  seen.add(dir)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const required = Object.keys(pkg.dependencies ?? {})
  const optional = [...Object.keys(pkg.optionalDependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]
  for (const name of required) {
    const found = resolvePackage(name, dir)
    if (!found) {
      process.stderr.write(`module-closure: ${relative(root, dir)} needs ${name}, which is not installed\n`)
      process.exit(1)
    }
    queue.push(found)
  }
  for (const name of optional) {
    const found = resolvePackage(name, dir)
    if (found) queue.push(found)
  }
}
for (const dir of [...seen].sort()) process.stdout.write(`${relative(root, dir)}\n`)

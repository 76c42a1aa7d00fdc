// npm `prepare`: install the git hooks with husky and prebuild the hook runner bundle, but never
// fail: not where there is no git checkout (CI tarballs, `npm pack`, a copy without .git), not
// where husky or esbuild is missing (--omit=dev), not with HUSKY=0. A hook whose bundle is missing
// still works: .husky/launch.mjs rebuilds it, or falls back to tsx.
import { existsSync } from 'node:fs'

const say = (line) => console.log(`codex-gates: ${line}`)
const why = (error) => (error instanceof Error ? error.message : String(error))

if (process.env.HUSKY === '0') {
  say('HUSKY=0, git hooks not installed')
  process.exit(0)
}
// `.git` is a folder in a clone and a file in a worktree or submodule; either will do.
if (!existsSync('.git')) {
  say('no .git here, git hooks not installed')
  process.exit(0)
}
try {
  const { default: husky } = await import('husky')
  const message = husky()
  if (message) say(`husky: ${message}`)
  else {
    // husky's runtime without its four name-lookup processes per hook (~8 ms a commit).
    const { speedUpHusky } = await import('../src/foundation/build/husky-runtime.mjs')
    speedUpHusky('.husky/_')
  }
} catch (error) {
  say(`git hooks not installed (${why(error)})`)
}
try {
  const { buildBundle } = await import('../.husky/runner-bundle.mjs')
  const built = await buildBundle()
  say(`hook runner bundled into ${built.dir} (${built.inputs} sources)`)
} catch (error) {
  say(`hook runner not bundled (${why(error)}); hooks will build it on first use or run through tsx`)
}

// npm `prepare`: install the git hooks with husky, but never fail where there is no git checkout
// (CI tarballs, `npm pack`, a copy without .git) or where husky is not installed (--omit=dev).
import { existsSync } from 'node:fs'

if (process.env.HUSKY === '0') process.exit(0)
if (!existsSync('.git')) {
  console.log('codex-gates: no .git here, git hooks not installed')
  process.exit(0)
}
try {
  const { default: husky } = await import('husky')
  const message = husky()
  if (message) console.log(`codex-gates: husky: ${message}`)
} catch (error) {
  console.log(`codex-gates: git hooks not installed (${error instanceof Error ? error.message : error})`)
}

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { importUrl } from '../../foundation/build/import-url.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { PACKAGE_ROOT } from '../../foundation/fs/package-root.ts'

type VitestNode = typeof import('vitest/node')

/**
 * The gated repository's own Vitest (`vitest` is a peer dependency), else the one installed
 * beside codex-gates. Vitest 4 or later: older ones lack the project and reporter APIs used here.
 */
export async function loadVitest(root: string): Promise<{ node: VitestNode; version: string; path: string }> {
  const entry = resolveFrom(root) ?? resolveFrom(PACKAGE_ROOT)
  if (!entry) throw new UserError('NO_VITEST', `vitest is not installed in ${root}`, 'run `npm i -D vitest@^4.1` there')
  const manifest = join(packageDir(entry), 'package.json')
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
  const major = Number(version.split('.')[0])
  if (!(major >= 4))
    throw new UserError(
      'VITEST_TOO_OLD',
      `vitest ${version} (${manifest}) is older than 4: codex-gates needs Vitest 4.1 or later`,
      'run `npm i -D vitest@^4.1`',
    )
  return { node: (await importUrl(pathToFileURL(entry).href)) as VitestNode, version, path: manifest }
}

function resolveFrom(dir: string): string | undefined {
  try {
    return createRequire(join(dir, 'noop.js')).resolve('vitest/node')
  } catch {
    return undefined
  }
}

/** The folder of the package a resolved file belongs to (the nearest one named `vitest`). */
function packageDir(file: string): string {
  let dir = dirname(file)
  while (!dir.endsWith(`${'/'}vitest`) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

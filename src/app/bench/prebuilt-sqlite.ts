import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setting } from '../../foundation/settings/settings.ts'

/**
 * Stages the better-sqlite3 binary this checkout's own `npm ci` compiled as a prebuild-install
 * "local prebuild": `<dir>/better-sqlite3-v<version>-node-v<abi>-<platform>-<arch>.tar.gz`
 * holding `build/Release/better_sqlite3.node`. An install with
 * `npm_config_better_sqlite3_local_prebuilds=<dir>` then unpacks it instead of compiling SQLite
 * again (~2.5 minutes on 2 cores), exactly as an offline team serves its prebuilt binaries. Only
 * when the version is the one codex-gates pins (same source, same Node ABI, same machine);
 * otherwise undefined and the install compiles from source.
 */
export function stagePrebuiltSqlite(root: string, dir: string): string | undefined {
  const pkgDir = join(root, 'node_modules', 'better-sqlite3')
  const binary = join(pkgDir, 'build', 'Release', 'better_sqlite3.node')
  if (!existsSync(binary) || setting('CODEX_ADOPTION_BUILD_FROM_SOURCE') === true) return undefined
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version
  const pinned = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
  ).dependencies['better-sqlite3']
  if (pinned !== version) return undefined
  const stage = join(dir, 'stage', 'build', 'Release')
  mkdirSync(stage, { recursive: true })
  copyFileSync(binary, join(stage, 'better_sqlite3.node'))
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  execFileSync('tar', ['-czf', join(dir, name), '-C', join(dir, 'stage'), 'build'])
  return dir
}

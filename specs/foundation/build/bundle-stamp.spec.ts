import { spawnSync } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const STAMP = join(REPO_ROOT, 'src', 'foundation', 'build', 'bundle-stamp.cjs')

/** Runs `file` through compileCodeCached in a fresh node, as the hook's launcher does: `node launch.cjs <verb>`. */
function runAs(file: string, verb: string) {
  const launcher = join(file, '..', 'launch.cjs')
  writeFileSync(
    launcher,
    `require(${JSON.stringify(STAMP)}).compileCodeCached(${JSON.stringify(file)}, { resolve: (s) => s }).run()\n`,
  )
  return spawnSync(process.execPath, [launcher, verb], { encoding: 'utf8' })
}

describe('compileCodeCached', () => {
  test('keeps one code cache per verb, each made by its own first run; the program runs the same', () => {
    const dir = tempDir('code-cache-')
    const file = join(dir, 'program.cjs')
    writeFileSync(file, 'process.stdout.write(`ran ${process.argv.at(-1)} ${typeof __codexImportMeta.importUrl}`)\n')
    for (const verb of ['pre-commit', 'post-commit', 'pre-commit', 'Not A Verb']) {
      const run = runAs(file, verb)
      expect(run.status, run.stderr).toBe(0)
      expect(run.stdout).toBe(`ran ${verb} function`)
    }
    const caches = readdirSync(dir)
      .filter((f) => f.endsWith('.v8'))
      .map((f) => f.split('-').slice(2, -3).join('-'))
      .sort()
    expect(caches).toEqual(['other', 'post-commit', 'pre-commit'])
  })
})

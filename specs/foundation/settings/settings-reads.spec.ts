// Every environment variable is read through the settings module (src/foundation/settings):
// declared once with its type and default, empty meaning unset. This spec holds that line, and
// keeps the README's table equal to the declarations.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { settingsTable } from '../../../src/foundation/settings/settings-table.ts'
import { REPO_ROOT } from '../../support/temp-dir.ts'

/** Plain-JS entry points that run before TypeScript can be loaded, and code kept as text. */
const ALLOWED: Record<string, string> = {
  'src/foundation/optional/register-without.mjs': 'a `node --import` hook: plain JS, loaded before tsx',
  'scripts/prepare-hooks.mjs': "npm's prepare script: plain JS, runs before anything is built",
  '.husky/launch.mjs': 'the git hook launcher: plain JS, starts before the bundle',
  '.husky/launch.cjs': "the git hook launcher's fast path: plain CommonJS, starts before the bundle",
  'src/app/bench/secrets-bench.ts': 'generated sample source text holds `process.env.API_KEY`',
  'src/app/bench/ledger-bench.ts': 'generated Vitest config text sets CODEX_REPORTER for a child run',
  'src/domain/gates/secrets/secret-filters.ts': 'a comment quoting `process.env.X`',
}

function sources(): string[] {
  const out: string[] = []
  for (const dir of ['src', 'scripts', 'gates', '.husky']) {
    for (const f of readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (/\.(ts|mts|mjs)$/.test(f) && !f.endsWith('.d.mts')) out.push(join(dir, f))
    }
  }
  return [...out, 'vitest.config.ts', 'vitest.workspace.ts']
}

describe('settings', () => {
  test('no module outside src/foundation/settings reads an environment variable by name', () => {
    const reads: string[] = []
    for (const file of sources()) {
      const rel = relative(REPO_ROOT, join(REPO_ROOT, file))
      if (rel.startsWith('src/foundation/settings/') || ALLOWED[rel]) continue
      readFileSync(join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // A read of `<env>.NAME` or `<env>['NAME']`, not an assignment into (or a delete from) a child's env.
          for (const m of line.matchAll(
            /(?<!delete\s+)\b(?:process\.env|env|base)(?:\.([A-Z][A-Z0-9_]*)\b|\[['"]([A-Z][A-Z0-9_]*)['"]\])(?!\s*=[^=])/g,
          )) {
            if (line.trimStart().startsWith('//') || line.trimStart().startsWith('*')) continue
            reads.push(`${rel}:${i + 1} ${m[0]}`)
          }
        })
    }
    expect(reads).toEqual([])
  })

  test('nothing passes data by writing process.env', () => {
    const writes: string[] = []
    for (const file of sources()) {
      const rel = relative(REPO_ROOT, join(REPO_ROOT, file))
      if (ALLOWED[rel]) continue
      readFileSync(join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bprocess\.env(?:\.[A-Z_]+|\[[^\]]+\])\s*=[^=]/.test(line)) writes.push(`${rel}:${i + 1}`)
        })
    }
    expect(writes).toEqual([])
  })

  test("the README's table of environment variables is the declarations'", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const between = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(readme)?.[1]
    expect(between, 'README.md needs the table between <!-- settings:start --> and <!-- settings:end -->').toBe(
      settingsTable(),
    )
  })
})

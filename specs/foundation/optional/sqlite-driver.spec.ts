import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { build } from 'esbuild'
import { beforeAll, describe, expect, test } from 'vitest'
import { hiddenHere } from '../../../src/adapters/vitest/drift-projects.ts'
import { BUNDLED_SQLITE, externalExcept, licenceComment } from '../../../src/foundation/build/bundled-packages.mjs'
import { MissingDependencyError } from '../../../src/foundation/optional/missing-dependency-error.ts'
import { sqlitePackageDir } from '../../../src/foundation/optional/optional-import.ts'
import {
  type BundledSqlite,
  installedSqlite,
  pickSqliteDriver,
  sqliteDriver,
} from '../../../src/foundation/optional/sqlite-driver.ts'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const hidden = hiddenHere().includes('better-sqlite3')

/** Stand-ins for the classes: the choice is told by which one comes back. */
const BUNDLED_CLASS = function Bundled() {} as unknown as typeof BetterSqlite3
const INSTALLED_CLASS = function Installed() {} as unknown as typeof BetterSqlite3
const bundledCopy = (version: string): BundledSqlite => ({ version: () => version, load: () => BUNDLED_CLASS })
const installed = () => INSTALLED_CLASS

describe('pickSqliteDriver()', () => {
  test('the bundled JavaScript where it is the installed version and the binary is known, with that binary', () => {
    const driver = pickSqliteDriver(
      { version: '12.11.1', binary: '/x/better_sqlite3.node' },
      bundledCopy('12.11.1'),
      installed,
    )
    expect(driver).toEqual({ Database: BUNDLED_CLASS, nativeBinding: '/x/better_sqlite3.node', bundled: true })
  })

  test('any other version, an unknown version or no binary: the installed package, loaded as before', () => {
    const cases = [
      { version: '12.12.0', binary: '/x/better_sqlite3.node' },
      { version: undefined, binary: '/x/better_sqlite3.node' },
      { version: '12.11.1', binary: undefined },
    ]
    for (const c of cases) {
      const driver = pickSqliteDriver(c, bundledCopy('12.11.1'), installed)
      expect(driver, JSON.stringify(c)).toEqual({ Database: INSTALLED_CLASS, nativeBinding: c.binary, bundled: false })
    }
  })

  test('a copy that fails to load falls back; a missing package still throws from the fallback', () => {
    const broken: BundledSqlite = {
      version: () => '12.11.1',
      load: () => {
        throw new Error('Cannot find module')
      },
    }
    expect(pickSqliteDriver({ version: '12.11.1', binary: '/b.node' }, broken, installed).Database).toBe(
      INSTALLED_CLASS,
    )
    const missing = () => {
      throw new Error('optional dependency better-sqlite3 is not installed')
    }
    expect(() => pickSqliteDriver({ version: undefined, binary: undefined }, bundledCopy('1.0.0'), missing)).toThrow(
      'not installed',
    )
  })
})

describe('sqliteDriver()', () => {
  test.runIf(hidden)(
    'better-sqlite3 hidden (the drift cell): MissingDependencyError with the install fix, as before',
    () => {
      expect(installedSqlite()).toEqual({ version: undefined, binary: undefined })
      expect(() => sqliteDriver()).toThrow(MissingDependencyError)
      expect(() => sqliteDriver()).toThrow('Fix: npm i better-sqlite3@')
    },
  )

  test.skipIf(hidden)("unbundled (here): the installed package's own files, its version and binary", () => {
    const info = installedSqlite()
    const dir = sqlitePackageDir() as string
    expect(info.version).toBe(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version)
    expect(info.binary).toBe(join(dir, 'build', 'Release', 'better_sqlite3.node'))
    const driver = sqliteDriver()
    expect(driver.Database).toBe(createRequire(join(dir, 'lib', 'index.js'))('./database.js'))
    const db = new driver.Database(':memory:', { nativeBinding: driver.nativeBinding })
    expect(db.prepare('SELECT 2 * 3 AS n').get()).toEqual({ n: 6 })
    db.close()
  })
})

/**
 * openLedger bundled as build-dist and the hook runner bundle it (better-sqlite3 the one package
 * inside), run from a folder whose node_modules holds a better-sqlite3 of our choosing: what the
 * process loaded through Node's CommonJS loader says which copy ran.
 */
describe.skipIf(hidden)('openLedger() in a bundle', () => {
  const work = tempDir('codex-sqlite-driver-')
  const real = join(REPO_ROOT, 'node_modules')
  let bundle = ''

  beforeAll(async () => {
    const entry = [
      "import { openLedger } from './src/ledger/open-ledger.ts'",
      "import { sqliteDriver } from './src/foundation/optional/sqlite-driver.ts'",
      'const out = {}',
      'try {',
      '  openLedger(process.argv[2]).close()',
      '  out.bundled = sqliteDriver().bundled',
      '} catch (error) {',
      '  out.name = error.name',
      '  out.message = error.message',
      '}',
      "out.loaded = Object.keys(require.cache).filter((k) => k.includes('better-sqlite3'))",
      'process.stdout.write(JSON.stringify(out))',
    ].join('\n')
    const result = await build({
      stdin: { contents: entry, resolveDir: REPO_ROOT, sourcefile: 'entry.ts', loader: 'ts' },
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      plugins: [externalExcept([BUNDLED_SQLITE])],
      define: { 'import.meta': '__meta' },
      banner: {
        js: "const __meta = { url: require('node:url').pathToFileURL(__filename).href, dirname: __dirname, filename: __filename };",
      },
    })
    bundle = result.outputFiles[0]?.text ?? ''
  })

  /** A codex-gates package folder with the bundle in dist/ and better-sqlite3 copied (version, binary as asked). */
  function layout(name: string, { version, binary }: { version?: string; binary: boolean }): string {
    const root = join(work, name)
    const modules = join(root, 'node_modules')
    mkdirSync(join(root, 'dist'), { recursive: true })
    mkdirSync(modules)
    writeFileSync(join(root, 'dist', 'entry.cjs'), bundle)
    // The ledger's modules find their package root by its manifest, as in an installed codex-gates.
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'codex-gates', private: true }))
    for (const entry of readdirSync(real))
      if (entry !== 'better-sqlite3' && !entry.startsWith('.')) symlinkSync(join(real, entry), join(modules, entry))
    const sqlite = join(modules, 'better-sqlite3')
    mkdirSync(sqlite)
    cpSync(join(real, 'better-sqlite3', 'lib'), join(sqlite, 'lib'), { recursive: true })
    const manifest = JSON.parse(readFileSync(join(real, 'better-sqlite3', 'package.json'), 'utf8'))
    writeFileSync(join(sqlite, 'package.json'), JSON.stringify({ ...manifest, version: version ?? manifest.version }))
    if (binary) symlinkSync(join(real, 'better-sqlite3', 'build'), join(sqlite, 'build'))
    return root
  }

  function run(root: string): { bundled?: boolean; name?: string; message?: string; loaded: string[] } {
    const out = execFileSync(process.execPath, [join(root, 'dist', 'entry.cjs'), join(root, 'ledger.db')], {
      cwd: root,
      encoding: 'utf8',
    })
    return JSON.parse(out)
  }

  test('the installed version: its binary, none of its JavaScript (the copy in the bundle runs)', () => {
    const root = layout('same', { binary: true })
    const got = run(root)
    expect(got.message).toBeUndefined()
    expect(got.bundled).toBe(true)
    expect(got.loaded).toEqual([join(real, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')])
  })

  test('another installed version: its own JavaScript, loaded from node_modules as before', () => {
    const root = layout('other', { version: '12.0.0', binary: true })
    const got = run(root)
    expect(got.message).toBeUndefined()
    expect(got.bundled).toBe(false)
    expect(got.loaded).toContain(join(root, 'node_modules', 'better-sqlite3', 'lib', 'database.js'))
  })

  test('a binary never built: MissingDependencyError with the one-line fix, as before', () => {
    const root = layout('unbuilt', { binary: false })
    const got = run(root)
    expect(got.name).toBe('MissingDependencyError')
    expect(got.message).toContain('better-sqlite3 is installed but failed to load (Could not locate the bindings file')
    expect(got.message).toContain('Fix: its native binary was never built')
    expect(got.message).not.toContain('\n')
  })
})

describe('licenceComment()', () => {
  test('the licence text of each package with files in the output, first in it; nothing for our own files', () => {
    const notice = licenceComment(REPO_ROOT, {
      'node_modules/better-sqlite3/lib/database.js': {},
      'node_modules/better-sqlite3/lib/util.js': {},
      'src/ledger/open-ledger.ts': {},
    })
    const licence = readFileSync(join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'LICENSE'), 'utf8').trim()
    expect(notice.startsWith('/*!\nbetter-sqlite3 ')).toBe(true)
    expect(notice).toContain(licence)
    expect(notice.endsWith('*/\n')).toBe(true)
    expect(licenceComment(REPO_ROOT, { 'src/ledger/open-ledger.ts': {} })).toBe('')
  })
})

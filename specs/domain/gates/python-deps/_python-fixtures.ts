// Fixture helpers for the python-deps specs: the committed ml-repo fixtures, copied into temp
// repositories with extra files (a .venv with dist-info folders), and their file listings.
import { cpSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir, tempRepo } from '../_temp-repo.ts'

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/python/', import.meta.url))

/** Every file under `root`, repo-relative POSIX (what the gate runner hands a scanner). */
export function listFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : [relative(root, path).split(sep).join('/')]
    })
  return walk(root).sort()
}

/** A temp copy of a committed fixture (`ml-repo`, `ml-repo-poetry`) with `extra` files written over it. */
export function fixtureCopy(name: string, extra: Record<string, string> = {}): string {
  const root = Object.keys(extra).length > 0 ? tempRepo(extra) : tempDir('python-deps-')
  cpSync(join(FIXTURES, name), root, { recursive: true, force: false })
  return root
}

export interface Dist {
  name: string
  version: string
  license?: string
  licenseExpression?: string
  classifiers?: string[]
  requires?: string[]
}

/** `.venv` files: pyvenv.cfg for Python 3.11.7 and one dist-info/METADATA per distribution. */
export function venv(dists: Dist[], prefix = '.venv'): Record<string, string> {
  const files: Record<string, string> = {
    [`${prefix}/pyvenv.cfg`]:
      'home = /usr/bin\nimplementation = CPython\nversion_info = 3.11.7.final.0\ninclude-system-site-packages = false\n',
  }
  for (const d of dists) {
    const lines = ['Metadata-Version: 2.1', `Name: ${d.name}`, `Version: ${d.version}`]
    if (d.license) lines.push(`License: ${d.license}`)
    if (d.licenseExpression) lines.push(`License-Expression: ${d.licenseExpression}`)
    for (const c of d.classifiers ?? []) lines.push(`Classifier: ${c}`)
    for (const r of d.requires ?? []) lines.push(`Requires-Dist: ${r}`)
    const dir = `${d.name.replace(/-/g, '_')}-${d.version}.dist-info`
    files[`${prefix}/lib/python3.11/site-packages/${dir}/METADATA`] = `${lines.join('\n')}\n\nLong description.\n`
  }
  return files
}

/** A python3 runner for specs: never runs Python (no environment unless a venv is in the tree). */
export const NO_PYTHON = () => undefined

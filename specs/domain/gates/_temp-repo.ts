// Temp folders and repositories for the gate specs, removed when the spec file finishes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll } from 'vitest'

const created: string[] = []

// Registered while the importing spec file is collected: runs once after all its tests.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A new empty folder under os.tmpdir(), removed after the spec file. */
export function tempDir(prefix = 'gates-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  created.push(dir)
  return dir
}

/** Writes `files` (path → text, or an object written as JSON) into a new temp folder. */
export function tempRepo(files: Record<string, string | object>, options: { git?: boolean } = {}): string {
  const root = tempDir('gates-repo-')
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`)
  }
  if (options.git) {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' })
    git('init', '-q')
    git('add', '-A')
    git('-c', 'user.email=spec@example.org', '-c', 'user.name=spec', 'commit', '-q', '-m', 'fixture')
  }
  return root
}

// Temp repositories for the gate specs: files from a map, optionally a git repo with them committed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Writes `files` (path → text, or an object written as JSON) into a new temp folder. */
export function tempRepo(files: Record<string, string | object>, options: { git?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'gates-repo-'))
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

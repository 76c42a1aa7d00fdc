import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { envValue } from '../settings/env-value.ts'

export interface HeadInfo {
  sha: string | null
  branch: string | null
  gitDir: string
}

const SHA1 = /^[0-9a-f]{40}$/

/**
 * What `git rev-parse --absolute-git-dir HEAD --abbrev-ref HEAD` says, read from the files of a
 * plain repository (`<cwd>/.git` a folder; no GIT_DIR or GIT_WORK_TREE): HEAD, the loose ref or
 * packed-refs. Saves the commit a git process. Undefined whenever only git can answer exactly: a
 * linked worktree or submodule (`.git` file), HEAD naming something unusual, a symbolic ref, or a
 * branch name git would abbreviate differently because another ref shares it (a tag `main`).
 */
export function headFromFiles(cwd: string, env: NodeJS.ProcessEnv = process.env): HeadInfo | undefined {
  if (envValue('GIT_DIR', env) !== undefined || envValue('GIT_WORK_TREE', env) !== undefined) return undefined
  try {
    const dotGit = join(cwd, '.git')
    if (!lstatSync(dotGit).isDirectory()) return undefined
    const gitDir = realpathSync(dotGit)
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').replace(/\n$/, '')
    if (SHA1.test(head)) return { gitDir, sha: head, branch: null } // detached
    const ref = /^ref: (refs\/heads\/\S(?:.*\S)?)$/.exec(head)?.[1]
    if (!ref || ref.includes('\n')) return undefined
    const name = ref.slice('refs/heads/'.length)
    const refs = new Refs(gitDir)
    // rev-parse --abbrev-ref shortens strictly: any other ref `name` could mean keeps it longer.
    const others = [name, `refs/${name}`, `refs/tags/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`]
    if (others.some((r) => refs.exists(r))) return undefined
    const sha = refs.read(ref)
    if (sha === undefined) return { gitDir, sha: null, branch: name } // unborn: the branch the first commit creates
    return sha ? { gitDir, sha, branch: name } : undefined
  } catch {
    return undefined
  }
}

// --- internal ---

/** Loose refs under the git dir and packed-refs, read on demand. */
class Refs {
  private packed: Map<string, string> | undefined

  constructor(private readonly gitDir: string) {}

  exists(ref: string): boolean {
    return this.loose(ref) !== undefined || this.packedRefs().has(ref)
  }

  /** The sha a ref names: undefined when there is no such ref, null when it is not a plain sha (git decides). */
  read(ref: string): string | null | undefined {
    const loose = this.loose(ref)
    if (loose !== undefined) return SHA1.test(loose) ? loose : null
    const packed = this.packedRefs().get(ref)
    if (packed === undefined) return undefined
    return SHA1.test(packed) ? packed : null
  }

  private loose(ref: string): string | undefined {
    const path = join(this.gitDir, ref)
    if (!existsSync(path) || !statSync(path).isFile()) return undefined
    return readFileSync(path, 'utf8').replace(/\n$/, '')
  }

  private packedRefs(): Map<string, string> {
    if (this.packed) return this.packed
    this.packed = new Map()
    let text: string
    try {
      text = readFileSync(join(this.gitDir, 'packed-refs'), 'utf8')
    } catch {
      return this.packed
    }
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.startsWith('^') || line === '') continue
      const space = line.indexOf(' ')
      if (space > 0) this.packed.set(line.slice(space + 1), line.slice(0, space))
    }
    return this.packed
  }
}

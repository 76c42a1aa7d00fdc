import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeZlib } from '../lazy/node-zlib.ts'

const SHA1 = /^[0-9a-f]{40}$/

/**
 * The tree id of commit `sha` (what `git rev-parse <sha>^{tree}` prints) when the commit is a
 * loose object under `<gitDir>/objects` (as a fresh commit is until git packs it); undefined
 * otherwise (packed, unreadable, not a commit): the caller then asks git.
 */
export function looseCommitTree(gitDir: string, sha: string): string | undefined {
  if (!SHA1.test(sha)) return undefined
  try {
    // Read first: zlib loads only for an object that is there (a packed one throws before).
    const compressed = readFileSync(join(gitDir, 'objects', sha.slice(0, 2), sha.slice(2)))
    const bytes = nodeZlib().inflateSync(compressed)
    // `commit <size>\0tree <hex>\n…`: the tree line always comes first.
    const nul = bytes.indexOf(0)
    if (nul < 0 || bytes.toString('latin1', 0, 7) !== 'commit ') return undefined
    if (Number(bytes.toString('latin1', 7, nul)) !== bytes.length - nul - 1) return undefined
    const line = bytes.toString('latin1', nul + 1, nul + 47)
    if (!line.startsWith('tree ') || line[45] !== '\n') return undefined
    const tree = line.slice(5, 45)
    return SHA1.test(tree) ? tree : undefined
  } catch {
    return undefined
  }
}

import { looseCommitTree } from './loose-commit-tree.ts'

/**
 * The tree id of commit `sha`, remembered: a commit's id is the hash of its bytes, so its tree
 * never changes, and a warm run finds HEAD's tree without inflating the commit object (nor
 * loading zlib). Read from the loose object the first time (looseCommitTree); undefined when
 * that cannot tell (packed, unreadable): the caller asks git.
 */
export function commitTree(gitDir: string, sha: string): string | undefined {
  const known = trees.get(sha)
  if (known !== undefined) {
    used.add(sha)
    return known
  }
  const tree = looseCommitTree(gitDir, sha)
  if (tree !== undefined) {
    trees.set(sha, tree)
    used.add(sha)
    fresh = true
  }
  return tree
}

/**
 * A pair git itself gave (`git rev-parse <sha> <sha>^{tree}`): remembered as if read here, so a
 * packed HEAD (a fresh clone's) is answered from the memo from the next run on.
 */
export function rememberCommitTree(sha: string, tree: string): void {
  if (!SHA1.test(sha) || !SHA1.test(tree)) return
  used.add(sha)
  if (trees.get(sha) === tree) return
  trees.set(sha, tree)
  fresh = true
}

/** Pairs from an earlier process (digest-memo.ts): only well-formed 40-hex ids are taken. */
export function rememberCommitTrees(pairs: Record<string, unknown>): void {
  for (const [sha, tree] of Object.entries(pairs))
    if (SHA1.test(sha) && typeof tree === 'string' && SHA1.test(tree) && !trees.has(sha)) trees.set(sha, tree)
}

/** The pairs this process read or reused (what a memo keeps), and whether any was read afresh. */
export function commitTreesHere(): { trees: Record<string, string>; fresh: boolean } {
  const out: Record<string, string> = {}
  for (const sha of used) {
    const tree = trees.get(sha)
    if (tree !== undefined) out[sha] = tree
  }
  return { trees: out, fresh }
}

/** Forgets every pair (specs: a fresh process). */
export function forgetCommitTrees(): void {
  trees.clear()
  used.clear()
  fresh = false
}

// --- internal ---

const SHA1 = /^[0-9a-f]{40}$/
const trees = new Map<string, string>()
const used = new Set<string>()
let fresh = false

import { readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'

/** One stage-0 (or first-stage) entry of git's index: the stat data git recorded and the blob id. */
export interface IndexEntry {
  /** When the entry's inode last changed (seconds, nanoseconds): git's stat check compares it too. */
  ctimeS: number
  ctimeNs: number
  mtimeS: number
  mtimeNs: number
  /** Low 32 bits, as git stores them. */
  size: number
  ino: number
  mode: number
  /** The blob's SHA-1, hex. */
  oid: string
  /** The merge stage: 0 normally, 1–3 for a conflicted path (whose first stage is the one kept). */
  stage: number
}

/** The index of a work tree: its entries by repo-relative path, and when it was written. */
export interface GitIndex {
  entries: Map<string, IndexEntry>
  /** The index file's mtime (ms): a file modified at or after it may not match its stat data (racy git). */
  mtimeMs: number
  /**
   * Folders whose tree git still knows from the cache-tree ("TREE" extension; `''` is the root):
   * `git add` invalidates the folders on a changed path, so a file whose folder is not here may
   * differ from HEAD. Undefined without the extension (then any file may).
   */
  validTrees?: ReadonlySet<string>
  /** The root's tree id from the cache-tree, when valid: the tree `git write-tree` would write. */
  rootTree?: string
  /**
   * True when every entry is an ordinary one: stage 0, no assume-unchanged, skip-worktree or
   * intent-to-add flag (git status would answer for those by rules other than stat data).
   */
  plain: boolean
}

const read = new Map<string, { stamp: string; index: GitIndex | undefined }>()

/**
 * The git index of the work tree whose top folder is `root`, parsed without starting git (versions
 * 2–4), remembered per process while the index file keeps its stat data. Undefined when `root` is
 * not a work tree's top, or the index uses what this reader leaves to git (a split index, sparse
 * directory entries, SHA-256 object ids): callers then ask git itself.
 */
export function readGitIndex(root: string): GitIndex | undefined {
  const path = indexPath(root)
  return path ? readGitIndexFile(path) : undefined
}

/** The index file at `path` (what GIT_INDEX_FILE names), parsed and remembered as readGitIndex does. */
export function readGitIndexFile(path: string): GitIndex | undefined {
  let stamp: string
  try {
    const s = statSync(path, { bigint: true })
    stamp = `${s.mtimeNs}:${s.size}:${s.ino}`
  } catch {
    return undefined
  }
  const known = read.get(path)
  if (known?.stamp === stamp) return known.index
  let index: GitIndex | undefined
  try {
    index = parseIndex(readFileSync(path), Number(stamp.split(':')[0]) / 1e6)
  } catch {
    index = undefined // torn or foreign: git will say
  }
  read.set(path, { stamp, index })
  return index
}

/**
 * Parses an index file's bytes (DIRC v2, v3 or v4); undefined for what only git should read. The
 * trailing checksum is not verified, as git itself does not verify it on reading since 2.13 (only
 * fsck does): git replaces the file whole (lock file, rename), so a reader never sees a torn one,
 * and hashing it meant loading node:crypto before a commit's first check (~3.5 ms of the hook).
 * What the checksum also turned away is checked by shape instead: every name's length field and
 * NUL padding, and extensions that end exactly at a SHA-1 trailer. A SHA-256 repository's entries
 * (32-byte ids) fail those at the first entry, and so does a truncated or foreign file.
 */
export function parseIndex(buf: Buffer, mtimeMs: number): GitIndex | undefined {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined
  // Read through a DataView and Buffer's own slicers: a warm run parses the index once, before
  // the JIT warms up, where readUInt32BE and toString(encoding, …) cost ~4 µs an entry (1,186
  // entries: 4–5 ms against ~1.5 ms).
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const fast = buf as FastBuffer
  const sliced = typeof fast.utf8Slice === 'function' && typeof fast.hexSlice === 'function'
  const version = view.getUint32(4)
  if (version < 2 || version > 4) return undefined
  const count = view.getUint32(8)
  const limit = buf.length - 20
  const entries = new Map<string, IndexEntry>()
  let plain = true
  let at = 12
  let previous: Buffer = Buffer.alloc(0) // v4 strips a byte count from the previous path's bytes
  for (let i = 0; i < count; i++) {
    const start = at
    if (start + 62 > limit) return undefined // torn
    const mode = view.getUint32(start + 24)
    const flags = view.getUint16(start + 60)
    if ((mode & 0o170000) === 0o040000) return undefined // a sparse directory entry
    // assume-valid (0x8000), extended flags (0x4000: skip-worktree, intent-to-add) or a stage
    if (flags & 0xf000) plain = false
    at = start + 62 + (version >= 3 && flags & 0x4000 ? 2 : 0)
    let name: string
    if (version === 4) {
      let c = buf[at++] as number
      let strip = c & 127
      while (c & 128) {
        c = buf[at++] as number
        strip = ((strip + 1) << 7) | (c & 127)
      }
      const end = buf.indexOf(0, at)
      if (end < 0 || end >= limit || strip > previous.length) return undefined
      previous = Buffer.concat([previous.subarray(0, previous.length - strip), buf.subarray(at, end)])
      if ((flags & 0xfff) !== Math.min(previous.length, 0xfff)) return undefined
      name = previous.toString('utf8')
      at = end + 1
    } else {
      let end = at
      while (end < limit && buf[end] !== 0) end++
      if (end >= limit) return undefined
      // The flags' name length (0xfff for 4095 bytes or more) and the NUL padding: the shape that
      // tells a SHA-1 index from anything else (see above).
      const length = flags & 0xfff
      if (length !== Math.min(end - at, 0xfff)) return undefined
      const next = start + ((end - start + 8) & ~7) // NUL-padded to a multiple of 8
      if (next > limit) return undefined
      for (let pad = end + 1; pad < next; pad++) if (buf[pad] !== 0) return undefined
      name = sliced ? (fast.utf8Slice as Slice).call(buf, at, end) : buf.toString('utf8', at, end)
      at = next
    }
    if (!entries.has(name)) {
      entries.set(name, {
        ctimeS: view.getUint32(start),
        ctimeNs: view.getUint32(start + 4),
        mtimeS: view.getUint32(start + 8),
        mtimeNs: view.getUint32(start + 12),
        ino: view.getUint32(start + 20),
        mode,
        size: view.getUint32(start + 36),
        oid: sliced
          ? (fast.hexSlice as Slice).call(buf, start + 40, start + 60)
          : buf.toString('hex', start + 40, start + 60),
        stage: (flags >> 12) & 3,
      })
    }
  }
  // A split index keeps most entries in another file ("link" extension): leave it to git.
  let trees: { valid: Set<string>; root?: string } | undefined
  let ext = at
  while (ext + 8 <= limit) {
    const signature = buf.toString('latin1', ext, ext + 4)
    const size = view.getUint32(ext + 4)
    if (ext + 8 + size > limit) return undefined // torn, or not a SHA-1 trailer after it
    if (signature === 'link') return undefined
    if (signature === 'TREE') trees = parseCacheTree(buf, ext + 8, ext + 8 + size)
    ext += 8 + size
  }
  if (ext !== limit) return undefined
  return {
    entries,
    mtimeMs,
    plain,
    ...(trees ? { validTrees: trees.valid } : {}),
    ...(trees?.root ? { rootTree: trees.root } : {}),
  }
}

/**
 * The cache-tree's valid folders: nodes in pre-order, each `name\0<entries> <subtrees>\n` and,
 * when valid (entries ≥ 0), its tree id; a node's subtrees follow it. Also the root's tree id.
 */
function parseCacheTree(buf: Buffer, from: number, end: number): { valid: Set<string>; root?: string } {
  const valid = new Set<string>()
  let root: string | undefined
  const open: { path: string; left: number }[] = []
  for (let at = from; at < end; ) {
    const nul = buf.indexOf(0, at)
    const newline = buf.indexOf(0x0a, nul)
    if (nul === -1 || newline === -1 || newline >= end) break
    const name = buf.toString('utf8', at, nul)
    const [entries = -1, subtrees = 0] = buf
      .toString('latin1', nul + 1, newline)
      .split(' ')
      .map(Number)
    at = newline + 1 + (entries >= 0 ? 20 : 0)
    while (open.length > 0 && (open.at(-1)?.left ?? 0) === 0) open.pop()
    const parent = open.at(-1)
    if (parent) parent.left--
    const path = parent ? (parent.path ? `${parent.path}/${name}` : name) : ''
    if (entries >= 0) valid.add(path)
    if (entries >= 0 && !parent && path === '') root = buf.toString('hex', newline + 1, newline + 21)
    open.push({ path, left: subtrees })
  }
  return root === undefined ? { valid } : { valid, root }
}

// --- internal ---

type Slice = (this: Buffer, from: number, to: number) => string
/** Buffer's own utf8Slice/hexSlice where this Node has them: toString's work without its argument handling. */
type FastBuffer = Buffer & { utf8Slice?: Slice; hexSlice?: Slice }

/** `<root>/.git/index`, or the index of the worktree a `.git` file points to; undefined elsewhere. */
function indexPath(root: string): string | undefined {
  const dotGit = join(root, '.git')
  try {
    const s = statSync(dotGit)
    if (s.isDirectory()) return join(dotGit, 'index')
    const line = readFileSync(dotGit, 'utf8')
      .match(/^gitdir: (.+)$/m)?.[1]
      ?.trim()
    if (!line) return undefined
    return join(isAbsolute(line) ? line : resolve(root, line), 'index')
  } catch {
    return undefined
  }
}

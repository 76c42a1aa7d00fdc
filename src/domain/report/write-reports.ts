import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { fsyncDir, writeFileDurable } from '../../foundation/fs/write-file-atomic.ts'

/** The rendered files of one session, by file name. */
export type ReportFiles = Record<string, string>

export interface WrittenReports {
  /** `<reportsDir>/latest` */
  dir: string
  /** The history folder the previous render moved to, if any. */
  rotated: string | null
  /** History folders removed to keep the newest `keep`. */
  pruned: string[]
}

/**
 * Puts a render into `<reportsDir>/latest/`: files are written (fsynced) into a fresh staging
 * folder, the previous render moves to `history/<its session id>/`, and the staging folder is
 * renamed into place, so a reader sees the old render or the new one. History keeps the newest
 * `keep` renders by session start time. `durable: false` skips the fsyncs (files and folders):
 * for a render right after a run, whose source (the ledger) is already durable and which the next
 * run or `codex-gates report` renders again; the swap stays atomic for readers.
 */
export function writeReports(
  reportsDir: string,
  sessionId: string | null,
  files: ReportFiles,
  keep: number,
  { durable = true }: { durable?: boolean } = {},
): WrittenReports {
  mkdirSync(reportsDir, { recursive: true })
  const latest = join(reportsDir, 'latest')
  const history = join(reportsDir, 'history')
  const stage = join(reportsDir, `.latest.tmp-${randomBytes(6).toString('hex')}`)
  mkdirSync(stage)
  try {
    // The staging folder is this call's alone until renamed: each file written and fsynced in
    // place (no temp file and rename each), the folder fsynced once.
    for (const [name, content] of Object.entries(files))
      if (durable) writeFileDurable(join(stage, name), content)
      else writeFileSync(join(stage, name), content, { flag: 'wx', mode: 0o644 })
    if (durable) fsyncDir(stage)
  } catch (error) {
    rmSync(stage, { recursive: true, force: true })
    throw error
  }

  let rotated: string | null = null
  if (existsSync(latest)) {
    const previous = renderedSession(latest)
    if (previous && previous.id !== sessionId) {
      mkdirSync(history, { recursive: true })
      rotated = join(history, safeName(previous.id))
      rmSync(rotated, { recursive: true, force: true })
      renameSync(latest, rotated)
    } else {
      rmSync(latest, { recursive: true, force: true })
    }
  }
  renameSync(stage, latest)
  if (durable) fsyncDir(reportsDir)
  if (sessionId && existsSync(join(history, safeName(sessionId)))) {
    rmSync(join(history, safeName(sessionId)), { recursive: true, force: true }) // now in latest/
  }
  return { dir: latest, rotated, pruned: pruneHistory(history, keep) }
}

/** Removes all but the newest `keep` renders under `history/`; returns the removed folders. */
export function pruneHistory(history: string, keep: number): string[] {
  if (!existsSync(history)) return []
  const renders = readdirSync(history, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(history, d.name)
      return { dir, started: renderedSession(dir)?.started_at ?? statSync(dir).mtime.toISOString() }
    })
    .sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : a.dir < b.dir ? 1 : -1))
  const removed = renders.slice(keep).map((r) => r.dir)
  for (const dir of removed) rmSync(dir, { recursive: true, force: true })
  return removed
}

/** A session id as a folder name: anything outside `[A-Za-z0-9._-]` becomes `_`. */
export function safeName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9._-]/g, '_')
  return name === '.' || name === '..' || name === '' ? `_${name}` : name
}

// --- internal ---

/** The session a render folder holds, from its summary.json; undefined for an empty or unreadable one. */
export function renderedSession(dir: string): { id: string; started_at: string } | undefined {
  const path = join(dir, 'summary.json')
  // The session's id and start open the file (buildSummary's key order): read from its first 4 KB
  // when they are there as written, not by parsing all of it (~14 KB; 21 of them each run after pruning).
  const head = SESSION_HEAD.exec(fileHead(path, 4096))
  if (head) return { id: JSON.parse(head[1] as string) as string, started_at: JSON.parse(head[2] as string) as string }
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as {
      session?: { id?: unknown; started_at?: unknown } | null
    }
    const s = summary.session
    if (s && typeof s.id === 'string' && typeof s.started_at === 'string') return { id: s.id, started_at: s.started_at }
  } catch {
    // A render from an older layout or a torn copy: treat as unknown; it is replaced, not kept.
  }
  return undefined
}

/** `{"schema": 1, "sessions_in_ledger": n, "session": {"id": …, "kind": …, "status": …, "command": …, "started_at": …`: JSON string tokens captured. */
const SESSION_HEAD =
  /^\{\s*"schema":\s*1,\s*"sessions_in_ledger":\s*\d+,\s*"session":\s*\{\s*"id":\s*("(?:[^"\\]|\\.)*"),\s*"kind":\s*"(?:[^"\\]|\\.)*",\s*"status":\s*"(?:[^"\\]|\\.)*",\s*"command":\s*"(?:[^"\\]|\\.)*",\s*"started_at":\s*("(?:[^"\\]|\\.)*")/

/** The first `bytes` of a file as UTF-8 ('' when it cannot be read). */
function fileHead(path: string, bytes: number): string {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const buf = Buffer.alloc(bytes)
    return buf.toString('utf8', 0, readSync(fd, buf, 0, bytes, 0))
  } catch {
    return ''
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { scannerSourceHash } from '../../domain/gates/cache-key.ts'
import { ruffPackageVersion } from '../../domain/gates/python-lint/ruff-wasm.ts'
import { setting } from '../../foundation/settings/settings.ts'
import { PROTOCOL } from './ruff-server-protocol.ts'

/**
 * The file a warm ruff server runs and how Node starts it: the hook bundle's `ruff-server.mjs`
 * (.codex/hook/, beside this code once bundled), the installed package's compiled
 * `ruff-server-main.js`, or from source the `.ts` entry under tsx (specs, `npm run` scripts).
 */
export interface ServerEntry {
  kind: 'bundle' | 'compiled' | 'source'
  file: string
  /** Node options before the file (tsx's loader from source). */
  nodeArgs: string[]
}

export function ruffServerEntry(): ServerEntry {
  const bundled = new URL('./ruff-server.mjs', import.meta.url)
  if (import.meta.url.endsWith('.mjs') && existsSync(bundled))
    return { kind: 'bundle', file: fileURLToPath(bundled), nodeArgs: [] }
  if (import.meta.url.endsWith('.js'))
    return { kind: 'compiled', file: fileURLToPath(new URL('./ruff-server-main.js', import.meta.url)), nodeArgs: [] }
  const source = fileURLToPath(new URL('./ruff-server-main.ts', import.meta.url))
  return { kind: 'source', file: source, nodeArgs: ['--import', import.meta.resolve('tsx')] }
}

/**
 * Who a server is: sha256 of the protocol, ruff's package version, the engine's code (the bundle
 * file itself, whose chunk imports are content-hashed; compiled or source: the scanners' hash and
 * the server's own files), the Node version and its executable. A client talks only to a server
 * with its own identity, and the socket is named after it, so another version is never asked.
 */
export function ruffServerIdentity(entry: ServerEntry = ruffServerEntry()): string {
  const h = createHash('sha256')
  h.update(`codex-gates ruff-server\0${PROTOCOL}\0${ruffPackageVersion()}\0${process.version}\0${process.execPath}\0`)
  if (entry.kind === 'bundle') h.update(readFileSync(entry.file))
  else {
    h.update(scannerSourceHash())
    const dir = dirname(entry.file)
    const ext = entry.kind === 'compiled' ? '.js' : '.ts'
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .sort()) {
      h.update(`\0${name}\0`)
      h.update(readFileSync(join(dir, name)))
    }
  }
  return h.digest('hex')
}

/** Where the servers' sockets live, or why none may be used. */
export type ServerDir = { dir: string } | { refused: string }

/**
 * The per-user folder for the sockets: `$XDG_RUNTIME_DIR/codex-gates`, else
 * `<tmpdir>/codex-gates-<uid>`; created mode 0700, and refused unless it is a real folder (not a
 * link) owned by this user that no one else can enter. On Windows the named pipes have no folder:
 * '' (see ruffSocketPath).
 */
export function ruffServerDir(env: NodeJS.ProcessEnv = process.env): ServerDir {
  if (process.platform === 'win32') return { dir: '' }
  const uid = process.getuid?.() ?? userInfo().uid
  const runtime = setting('XDG_RUNTIME_DIR', env)
  const dir = runtime ? join(runtime, 'codex-gates') : join(tmpdir(), `codex-gates-${uid}`)
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { refused: `cannot create ${dir}: ${String(error)}` }
  }
  const stat = lstatSync(dir)
  if (!stat.isDirectory()) return { refused: `${dir} is not a folder` }
  if (stat.uid !== uid) return { refused: `${dir} belongs to uid ${stat.uid}, not ${uid}` }
  if ((stat.mode & 0o077) !== 0) return { refused: `${dir} has mode ${(stat.mode & 0o777).toString(8)}, not 700` }
  return { dir }
}

/** The socket of the server with `identity` in `dir` (a named pipe on Windows). */
export function ruffSocketPath(dir: string, identity: string): string {
  if (process.platform === 'win32')
    return `\\\\.\\pipe\\codex-gates-ruff-${userInfo().username}-${identity.slice(0, 24)}`
  return join(dir, `${SOCKET_PREFIX}${identity.slice(0, 24)}.sock`)
}

/**
 * Every server socket in `dir`, this version's or not (`hook ruff-server status|stop`). Windows
 * lists no named pipes by folder: there, this version's pipe only.
 */
export function ruffSockets(dir: string): string[] {
  if (process.platform === 'win32') return [ruffSocketPath(dir, ruffServerIdentity())]
  return readdirSync(dir)
    .filter((f) => f.startsWith(SOCKET_PREFIX) && f.endsWith('.sock'))
    .sort()
    .map((f) => join(dir, f))
}

// --- internal ---

const SOCKET_PREFIX = 'ruff-'

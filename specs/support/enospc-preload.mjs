// Loaded with `node --import` into a run under test: every write Node makes below
// CODEX_SPEC_ENOSPC_DIR fails with ENOSPC, as on a full disk (creating a folder, appending to a
// file). For machines where the fault-injection spec cannot mount a tiny tmpfs.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { resolve } from 'node:path'

const root = process.env.CODEX_SPEC_ENOSPC_DIR
if (root) {
  const under = (path) => typeof path === 'string' && resolve(path).startsWith(root)
  const full = (syscall, path) =>
    Object.assign(new Error(`ENOSPC: no space left on device, ${syscall} '${path}'`), {
      code: 'ENOSPC',
      errno: -28,
      syscall,
      path,
    })
  const doomed = new Set()
  const { mkdirSync, openSync, writeSync, closeSync, appendFileSync, writeFileSync } = fs
  fs.mkdirSync = (path, options) => {
    if (under(path) && !fs.existsSync(path)) throw full('mkdir', path)
    return mkdirSync(path, options)
  }
  fs.openSync = (path, flags, mode) => {
    const fd = openSync(path, flags, mode)
    if (under(path) && /[wa+]/.test(String(flags ?? 'r'))) doomed.add(fd)
    return fd
  }
  fs.writeSync = (fd, ...rest) => {
    if (doomed.has(fd)) throw full('write', `fd ${fd}`)
    return writeSync(fd, ...rest)
  }
  fs.closeSync = (fd) => {
    doomed.delete(fd)
    return closeSync(fd)
  }
  fs.appendFileSync = (path, ...rest) => {
    if (under(path)) throw full('write', path)
    return appendFileSync(path, ...rest)
  }
  fs.writeFileSync = (path, ...rest) => {
    if (under(path)) throw full('write', path)
    return writeFileSync(path, ...rest)
  }
  syncBuiltinESMExports()
}

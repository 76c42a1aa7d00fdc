// The warm ruff server's process (started detached by spawnRuffServer; not a user command):
// `node ruff-server-main.js [--idle-ms N]`. It finds its socket as its clients do (same folder
// rules, same identity), warms ruff up, serves until idle, stopped or replaced, then exits 0.
// It prints nothing: its stdio is ignored, and no file content may reach a log.
import { warmUpRuff } from '../../domain/gates/python-lint/warm-up-ruff.ts'
import { serveRuff } from './ruff-server.ts'
import { ruffServerDir, ruffServerIdentity, ruffSocketPath } from './ruff-server-place.ts'
import { idleMsOf } from './ruff-server-policy.ts'

const flag = process.argv.indexOf('--idle-ms')
const idleMs = flag === -1 ? idleMsOf(process.env) : Number(process.argv[flag + 1])
const place = ruffServerDir(process.env)
if ('refused' in place || !(idleMs > 0)) process.exit(2)
const identity = ruffServerIdentity()
// The first request then finds ruff compiled and its common paths called once; one that comes
// sooner waits for this instead of compiling ruff a second time.
let warmed: () => void = () => {}
const ready = new Promise<void>((resolve) => {
  warmed = resolve
})
const server = await serveRuff({ path: ruffSocketPath(place.dir, identity), identity, idleMs, ready })
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => server.stop('signal'))
await warmUpRuff({ allRules: true }).catch(() => {})
warmed()
await server.closed
process.exit(0)

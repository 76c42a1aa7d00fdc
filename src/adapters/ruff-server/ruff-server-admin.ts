import { existsSync } from 'node:fs'
import { connectRuffServer } from './ruff-client.ts'
import { ruffServerIdentity, ruffSockets } from './ruff-server-place.ts'

/** One server socket in the folder and what its server said (`pid` unset: it did not answer). */
export interface ListedServer {
  socket: string
  /** Its identity is this process's: the hook of this version talks to it. */
  current: boolean
  pid?: number
  served?: number
  startedAt?: string
  idleMs?: number
  why?: string
}

/** Every server with a socket in `dir`, asked for its status (any identity). */
export async function listRuffServers(dir: string, timeoutMs = 2000): Promise<ListedServer[]> {
  const identity = ruffServerIdentity()
  const listed: ListedServer[] = []
  for (const socket of ruffSockets(dir)) {
    const connected = await connectRuffServer(socket, undefined, timeoutMs)
    if (!connected.client) {
      listed.push({ socket, current: false, why: connected.why })
      continue
    }
    try {
      const { pid, served, startedAt, idleMs } = await connected.client.status(timeoutMs)
      listed.push({ socket, current: connected.identity === identity, pid, served, startedAt, idleMs })
    } catch (error) {
      listed.push({ socket, current: false, why: error instanceof Error ? error.message : String(error) })
    } finally {
      connected.client.close()
    }
  }
  return listed
}

/** Stops every server with a socket in `dir` and waits (up to `timeoutMs`) until their sockets are gone; how many were asked. */
export async function stopRuffServers(dir: string, timeoutMs = 5000): Promise<number> {
  let stopped = 0
  for (const socket of ruffSockets(dir)) {
    const { client } = await connectRuffServer(socket, undefined, timeoutMs)
    if (!client) continue
    try {
      await client.stop(timeoutMs)
      stopped++
    } catch {
      // it went away meanwhile
    } finally {
      client.close()
    }
  }
  const deadline = Date.now() + timeoutMs
  while (ruffSockets(dir).some((s) => existsSync(s)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10))
  return stopped
}

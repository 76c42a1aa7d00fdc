// The hook standby's wire format (standby-client.cjs asks, src/app/hook/standby-command.ts
// answers). The client writes one JSON line, its request; the standby answers in frames: a type
// byte, a 32-bit big-endian length, that many bytes. `a` accepted (its pid), `r` refused (why: the
// client then runs the hook itself), `o`/`e` what the hook wrote to stdout/stderr, `x` its exit code.
'use strict'

/** Bumped whenever the request or the frames change: a standby refuses any other version. */
const PROTOCOL = 1

const FRAME = { accepted: 0x61, refused: 0x72, stdout: 0x6f, stderr: 0x65, exit: 0x78 }

/** One frame's bytes. */
function frame(type, payload) {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload
  const head = Buffer.allocUnsafe(5)
  head[0] = type
  head.writeUInt32BE(body.length, 1)
  return Buffer.concat([head, body])
}

/**
 * Splits a byte stream into frames: `push(chunk)` calls `onFrame(type, payload)` for each whole
 * frame, keeping a partial one for the next chunk.
 */
function frameReader(onFrame) {
  let pending = Buffer.alloc(0)
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    while (pending.length >= 5) {
      const length = pending.readUInt32BE(1)
      if (pending.length < 5 + length) break
      onFrame(pending[0], pending.subarray(5, 5 + length))
      pending = pending.subarray(5 + length)
    }
  }
}

module.exports = { FRAME, PROTOCOL, frame, frameReader }

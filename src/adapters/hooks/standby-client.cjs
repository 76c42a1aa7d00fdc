// The launcher's side of the hook standby (standby-place.cjs): asks the repository's standby to
// run this hook and relays what it prints, or says that the launcher must run the hook itself.
'use strict'
const { existsSync } = require('node:fs')
const { flag, standbyPlace } = require('./standby-place.cjs')
const { FRAME, PROTOCOL, frameReader } = require('./standby-protocol.cjs')

/** Signals passed on to the standby while it runs the hook (Ctrl-C in the terminal reaches only this process). */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** Exit code when the standby, told of a signal, closes without an answer (the hook's own `interrupted`). */
const INTERRUPTED = 130

/**
 * Asks the standby of the work tree at `cwd` to run the hook `argv` (e.g. ['pre-commit']) with
 * this process's environment, and relays its output. Resolves with the hook's exit code, or with
 * `{ ran: false, why }` when the launcher must run it itself: no standby, a refusal (another
 * Node, changed code or environment), or a standby that stopped before it answered.
 */
function askStandby(cwd, argv, env = process.env) {
  const place = standbyPlace(cwd, env)
  if (place === undefined) return Promise.resolve({ ran: false, why: 'no place for a standby' })
  if (!existsSync(place.socket)) return Promise.resolve({ ran: false, why: 'no standby' })
  return new Promise((done) => {
    const { connect } = require('node:net')
    const socket = connect(place.address)
    let accepted = false
    let pid = 0
    let signals = 0
    let over = false
    // Every signal goes on, a second one too: the standby decides when to leave (src/app/hook/
    // with-signals.ts), as the hook's own process would, and this process waits for it.
    const forward = (signal) => {
      signals++
      try {
        process.kill(pid, signal)
      } catch {
        // already gone: its socket closes
      }
    }
    const finish = (result) => {
      if (over) return
      over = true
      for (const signal of SIGNALS) process.removeListener(signal, forward)
      socket.destroy()
      done(result)
    }
    socket.on('connect', () => {
      const request = {
        v: PROTOCOL,
        argv,
        cwd,
        env,
        uptime: process.uptime() * 1000,
        node: process.version,
        exec: process.execPath,
      }
      socket.write(`${JSON.stringify(request)}\n`)
    })
    socket.on(
      'data',
      frameReader((type, payload) => {
        if (type === FRAME.accepted) {
          accepted = true
          pid = Number(payload.toString('utf8'))
          for (const signal of SIGNALS) process.on(signal, forward)
        } else if (type === FRAME.refused) finish({ ran: false, why: `standby refused: ${payload.toString('utf8')}` })
        else if (type === FRAME.stdout) process.stdout.write(payload)
        else if (type === FRAME.stderr) process.stderr.write(payload)
        else if (type === FRAME.exit) finish({ ran: true, code: Number(payload.toString('utf8')) })
      }),
    )
    socket.on('error', () => {}) // 'close' follows
    socket.on('close', () => {
      if (over) return
      if (!accepted) finish({ ran: false, why: 'no standby answered' })
      else {
        if (signals > 0) return finish({ ran: true, code: INTERRUPTED })
        process.stderr.write('codex-gates: the hook standby stopped before it answered; running the hook here\n')
        finish({ ran: false, why: 'standby lost' })
      }
    })
  })
}

/** With CODEX_HOOK_TRACE on, says why the launcher runs the hook itself (`standby: <why>`). */
function traceWhy(answer, env = process.env) {
  if (!answer.ran && flag(env.CODEX_HOOK_TRACE) === true) process.stderr.write(`standby: ${answer.why}\n`)
}

module.exports = { askStandby, traceWhy }

import { EventEmitter } from 'node:events'
import { describe, expect, test, vi } from 'vitest'
import { watchInterrupts } from '../../../src/app/train/watch-interrupts.ts'

/** A stand-in for `process`: signals and disconnect are emitted by the spec, ppid is settable. */
function fakeProcess(ppid: number, withChannel = false) {
  const proc = Object.assign(new EventEmitter(), { ppid, channel: withChannel ? { unref: vi.fn() } : undefined })
  return proc as typeof proc & Parameters<typeof watchInterrupts>[0]['proc']
}

function setup(options: Partial<Parameters<typeof watchInterrupts>[0]> & { proc: ReturnType<typeof fakeProcess> }) {
  const controller = new AbortController()
  const lines: string[] = []
  const exits: number[] = []
  let clock = 0
  const stop = watchInterrupts({
    controller,
    warn: (l) => lines.push(l),
    exit: (code) => exits.push(code),
    now: () => clock,
    isAlive: () => true,
    pollMs: 5,
    ...options,
  })
  return { controller, lines, exits, stop, tick: (ms: number) => (clock += ms) }
}

describe('watchInterrupts()', () => {
  test('the copies of one Ctrl-C (terminal group, npm, tsx, relay) count once; another a second later quits at once', () => {
    const proc = fakeProcess(100)
    const w = setup({ proc })
    proc.emit('SIGINT', 'SIGINT')
    w.tick(40)
    proc.emit('SIGINT', 'SIGINT') // forwarded by the relay
    proc.emit('SIGTERM', 'SIGTERM')
    expect(w.controller.signal.aborted).toBe(true)
    expect(w.lines).toEqual(['\nSIGINT: finishing the current step and saving a checkpoint (again to quit at once)'])
    expect(w.exits).toEqual([])
    w.tick(1500)
    proc.emit('SIGINT', 'SIGINT')
    expect(w.exits).toEqual([130])
    w.stop()
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGHUP') + proc.listenerCount('disconnect')).toBe(0)
  })

  test('SIGHUP (a closed terminal) stops the run like Ctrl-C', () => {
    const proc = fakeProcess(100)
    const w = setup({ proc })
    proc.emit('SIGHUP', 'SIGHUP')
    expect(w.controller.signal.aborted).toBe(true)
    expect(w.lines[0]).toContain('SIGHUP: finishing the current step and saving a checkpoint')
    w.stop()
  })

  test('the relay killed with SIGKILL: its IPC channel closes, the run stops; only a signal, later, quits at once', () => {
    const proc = fakeProcess(100, true)
    const w = setup({ proc })
    expect(proc.channel?.unref).toHaveBeenCalled()
    proc.emit('disconnect')
    expect(w.controller.signal.aborted).toBe(true)
    expect(w.lines).toEqual([
      '\nprocess 100 that started this trainer is gone: finishing the current step and saving a checkpoint',
    ])
    proc.emit('disconnect') // the loss of a parent is never a request to hurry
    w.tick(5000)
    expect(w.exits).toEqual([])
    proc.emit('SIGTERM', 'SIGTERM')
    expect(w.exits).toEqual([130])
    w.stop()
  })

  test('the parent pid changes (reparented after its parent died) or a watched pid dies: polled', async () => {
    const proc = fakeProcess(100)
    const w = setup({ proc })
    proc.ppid = 1
    await vi.waitFor(() => expect(w.controller.signal.aborted).toBe(true))
    expect(w.lines[0]).toContain('process 100 that started this trainer is gone')
    w.stop()

    const alive = new Set([100, 200])
    const other = fakeProcess(100)
    const v = setup({ proc: other, watch: [100, 200], isAlive: (pid) => alive.has(pid) })
    await new Promise((r) => setTimeout(r, 20))
    expect(v.controller.signal.aborted).toBe(false)
    alive.delete(200) // tsx, above the relay, was killed
    await vi.waitFor(() => expect(v.controller.signal.aborted).toBe(true))
    expect(v.lines[0]).toContain('process 200 that started this trainer is gone')
    v.stop()
  })
})

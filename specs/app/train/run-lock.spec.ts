import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { acquireRunLock, processStart, RUN_LOCK } from '../../../src/app/train/run-lock.ts'
import { tempDir } from '../../support/temp-dir.ts'

const parent = tempDir('run-lock-')
let n = 0
const folder = () => {
  const dir = join(parent, `run-${n++}`)
  mkdirSync(dir)
  return dir
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

describe('acquireRunLock()', () => {
  test('creates train.lock with the holder, refuses a second trainer naming its pid, releases', () => {
    const dir = folder()
    const lock = acquireRunLock(dir)
    const holder = JSON.parse(readFileSync(join(dir, RUN_LOCK), 'utf8'))
    expect(holder).toMatchObject({ pid: process.pid, start: processStart(process.pid) })
    expect(() => acquireRunLock(dir, { pid: process.pid + 1 })).toThrow(
      expect.objectContaining({
        code: 'RUN_LOCKED',
        exitCode: 2,
        message: `run folder ${dir} is in use by another trainer (pid ${process.pid}, since ${holder.started_at})`,
        hint: `wait for it or stop it (kill -INT ${process.pid}), or train into another folder (--set out_dir=…); if no such trainer runs, delete ${join(dir, RUN_LOCK)}`,
      }),
    )
    lock.release()
    expect(existsSync(join(dir, RUN_LOCK))).toBe(false)
    acquireRunLock(dir).release()
  })

  test('a lock left by a dead pid is taken over (and reported)', () => {
    const dir = folder()
    const dead = deadPid()
    acquireRunLock(dir, { pid: dead }) // never released: the trainer was SIGKILLed
    const taken: unknown[] = []
    const lock = acquireRunLock(dir, { onTakeover: (h) => taken.push(h?.pid) })
    expect(taken).toEqual([dead])
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  test('a live pid with another start time is a reused pid: the lock is stale', () => {
    const dir = folder()
    writeFileSync(
      join(dir, RUN_LOCK),
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        start: '1',
        started_at: 'x',
      }),
    )
    const lock = acquireRunLock(dir)
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).start).toBe(processStart(process.pid))
    lock.release()
  })

  test('a holder on another host is assumed to run; an unreadable lock is stale', () => {
    const dir = folder()
    writeFileSync(join(dir, RUN_LOCK), JSON.stringify({ pid: 12, host: 'elsewhere', started_at: 'then' }))
    expect(() => acquireRunLock(dir)).toThrow(/in use by another trainer \(pid 12 on elsewhere, since then\)/)
    writeFileSync(join(dir, RUN_LOCK), 'not json')
    const lock = acquireRunLock(dir)
    lock.release()
  })

  test('release leaves a lock that is no longer its own', () => {
    const dir = folder()
    const lock = acquireRunLock(dir)
    writeFileSync(lock.path, JSON.stringify({ pid: 1, host: 'h', started_at: 'now' }))
    lock.release()
    expect(existsSync(lock.path)).toBe(true)
  })
})

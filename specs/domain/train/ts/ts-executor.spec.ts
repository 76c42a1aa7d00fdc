import { describe, expect, test } from 'vitest'
import { GraphBuilder } from '../../../../src/domain/train/ir/graph-builder.ts'
import { TsExecutor } from '../../../../src/domain/train/ts/ts-executor.ts'

function program() {
  const b = new GraphBuilder()
  const p = b.input('p', [3])
  const x = b.input('x', [3])
  const next = b.sub(p, b.mul(x, 0.5))
  const g = b.finish({ 'next.p': next, total: b.reduceSum(next, 'all', 0) })
  return {
    graphs: { step: g },
    state: [{ name: 'p', shape: [3], dtype: 'float32' as const }],
    updates: { step: { 'next.p': 'p' } },
  }
}

describe('TsExecutor', () => {
  test('state slots feed state inputs and are replaced by their update outputs after each run', async () => {
    const session = await new TsExecutor().load(program())
    await session.writeState({ p: { shape: [3], dtype: 'float32', data: Float32Array.of(1, 2, 3) } })
    const feed = { x: { shape: [3], dtype: 'float32' as const, data: Float32Array.of(2, 2, 2) } }
    const first = await session.run('step', feed)
    expect(Object.keys(first)).toEqual(['total'])
    expect(first.total?.data[0]).toBe(3)
    await session.run('step', feed)
    expect([...((await session.readState(['p'])).p?.data ?? [])]).toEqual([-1, 0, 1])
  })

  test('outputs and state reads are copies the caller owns', async () => {
    const session = await new TsExecutor().load(program())
    await session.writeState({ p: { shape: [3], dtype: 'float32', data: Float32Array.of(1, 1, 1) } })
    const read = (await session.readState()).p?.data as Float32Array
    read[0] = 99
    expect((await session.readState()).p?.data[0]).toBe(1)
  })

  test('feeds of the wrong shape or dtype and unknown graphs are refused with the numbers', async () => {
    const session = await new TsExecutor().load(program())
    await expect(
      session.run('step', { x: { shape: [4], dtype: 'float32', data: new Float32Array(4) } }),
    ).rejects.toThrow('ts executor: feed x is [4] float32 (4 values), expected [3] float32')
    await expect(session.run('nope', {})).rejects.toThrow('no graph named nope')
    await expect(session.run('step', {})).rejects.toThrow('step needs feed x')
  })

  test('two sessions of the same program on the same feeds give the same bits', async () => {
    const b = new GraphBuilder()
    const x = b.input('x', [16, 24])
    const w = b.input('w', [24, 24])
    let y = x
    for (let i = 0; i < 4; i++) y = b.tanh(b.matmul(y, w))
    const g = b.finish({ y: b.softmax(y, -1) })
    const feeds = {
      x: {
        shape: [16, 24],
        dtype: 'float32' as const,
        data: Float32Array.from({ length: 384 }, (_, i) => Math.sin(i)),
      },
      w: {
        shape: [24, 24],
        dtype: 'float32' as const,
        data: Float32Array.from({ length: 576 }, (_, i) => Math.cos(i) / 5),
      },
    }
    const run = async () =>
      (await (await new TsExecutor().load({ graphs: { g }, state: [], updates: {} })).run('g', feeds)).y?.data
    expect(Buffer.from((await run())?.buffer as ArrayBuffer)).toEqual(Buffer.from((await run())?.buffer as ArrayBuffer))
  })
})

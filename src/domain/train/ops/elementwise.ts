import type { DType, GradContext, OpAttrs, OpDef, Value } from '../ir/op-types.ts'
import { broadcastPlan, broadcastShapes, sizeOf } from '../ir/shape.ts'
import { type BinaryLoop, binaryLoop, type UnaryLoop, unaryLoop } from './_loops.ts'

type NoAttrs = OpAttrs['Add']

/** A broadcasting binary op: forward loop from `expr` (x, y), backward rule beside it. */
function binary(
  name: string,
  expr: string,
  result: 'same' | 'bool',
  backward?: (g: Value, ctx: GradContext<NoAttrs>) => (Value | undefined)[],
): OpDef<NoAttrs> {
  const loop: BinaryLoop = binaryLoop(expr)
  return {
    arity: [2, 2],
    infer([a, b]) {
      const x = a as Value
      const y = b as Value
      if (x.dtype !== y.dtype) throw new Error(`${name}: ${x.name} is ${x.dtype} but ${y.name} is ${y.dtype}`)
      if (result === 'same' && x.dtype === 'bool') throw new Error(`${name}: bool operands are not supported`)
      return [{ shape: broadcastShapes(x.shape, y.shape, name), dtype: result === 'bool' ? 'bool' : x.dtype }]
    },
    forward({ inputs, outputs }) {
      const plan = broadcastPlan((outputs[0] as Value).shape, [(inputs[0] as Value).shape, (inputs[1] as Value).shape])
      const [sa, sb] = plan.strides as [Int32Array, Int32Array]
      const idx = new Int32Array(plan.dims.length)
      return {
        run: (ins, outs) => loop(ins[0]!, ins[1]!, outs[0]!, plan.dims, sa, sb, idx),
      }
    },
    backward: backward
      ? (ctx) => {
          const g = ctx.dOut[0]
          return g ? backward(g, ctx) : []
        }
      : undefined,
  }
}

/** A float unary op over contiguous elements. */
function unary(
  name: string,
  expr: string,
  backward: (g: Value, ctx: GradContext<NoAttrs>) => Value,
  dtypes: readonly DType[] = ['float32'],
): OpDef<NoAttrs> {
  const loop: UnaryLoop = unaryLoop(expr)
  return {
    arity: [1, 1],
    infer([x]) {
      const v = x as Value
      if (!dtypes.includes(v.dtype)) throw new Error(`${name}: ${v.name} is ${v.dtype}, expected ${dtypes.join('|')}`)
      return [{ shape: [...v.shape], dtype: v.dtype }]
    },
    forward({ inputs }) {
      const n = sizeOf((inputs[0] as Value).shape)
      return { run: (ins, outs) => loop(ins[0]!, outs[0]!, n) }
    },
    backward: (ctx) => {
      const g = ctx.dOut[0]
      return g && ctx.needs[0] ? [backward(g, ctx)] : []
    },
  }
}

const x0 = (ctx: GradContext<NoAttrs>) => ctx.inputs[0] as Value
const x1 = (ctx: GradContext<NoAttrs>) => ctx.inputs[1] as Value
const y0 = (ctx: GradContext<NoAttrs>) => ctx.outputs[0] as Value

/** Gradient of each input of a broadcasting op: `f(i)` unbroadcast to input i's shape. */
function perInput(ctx: GradContext<NoAttrs>, f: (i: number) => Value): (Value | undefined)[] {
  return ctx.inputs.map((input, i) => (ctx.needs[i] ? ctx.b.unbroadcast(f(i), input.shape) : undefined))
}

export const Add = binary('Add', 'x + y', 'same', (g, ctx) => perInput(ctx, () => g))

export const Sub = binary('Sub', 'x - y', 'same', (g, ctx) => perInput(ctx, (i) => (i === 0 ? g : ctx.b.neg(g))))

export const Mul = binary('Mul', 'x * y', 'same', (g, ctx) =>
  perInput(ctx, (i) => ctx.b.mul(g, i === 0 ? x1(ctx) : x0(ctx))),
)

// d(x/y)/dx = 1/y; d(x/y)/dy = -(x/y)/y
export const Div = binary('Div', 'x / y', 'same', (g, ctx) =>
  perInput(ctx, (i) => (i === 0 ? ctx.b.div(g, x1(ctx)) : ctx.b.neg(ctx.b.mul(g, ctx.b.div(y0(ctx), x1(ctx)))))),
)

// d(x^y)/dx = y·x^(y-1); d(x^y)/dy = x^y·ln x (only emitted when the exponent needs a gradient)
export const Pow = binary('Pow', 'Math.pow(x, y)', 'same', (g, ctx) =>
  perInput(ctx, (i) => {
    const b = ctx.b
    if (i === 0) return b.mul(g, b.mul(x1(ctx), b.pow(x0(ctx), b.sub(x1(ctx), 1))))
    return b.mul(g, b.mul(y0(ctx), b.log(x0(ctx))))
  }),
)

// NaN in either operand propagates; ties send the gradient to x.
export const Min = binary('Min', 'x !== x || x <= y ? x : y', 'same', (g, ctx) => {
  const b = ctx.b
  const toY = b.cast(b.less(x1(ctx), x0(ctx)), 'float32')
  return perInput(ctx, (i) => b.mul(g, i === 0 ? b.sub(1, toY) : toY))
})

export const Equal = binary('Equal', 'x === y ? 1 : 0', 'bool')
export const Less = binary('Less', 'x < y ? 1 : 0', 'bool')

export const Neg = unary('Neg', '-v', (g, { b }) => b.neg(g))
export const Exp = unary('Exp', 'Math.exp(v)', (g, ctx) => ctx.b.mul(g, y0(ctx)))
export const Log = unary('Log', 'Math.log(v)', (g, ctx) => ctx.b.div(g, x0(ctx)))
// d√x = 1/(2√x)
export const Sqrt = unary('Sqrt', 'Math.sqrt(v)', (g, ctx) => ctx.b.div(ctx.b.mul(g, 0.5), y0(ctx)))
// d tanh = 1 - tanh²
export const Tanh = unary('Tanh', 'Math.tanh(v)', (g, ctx) => ctx.b.mul(g, ctx.b.sub(1, ctx.b.mul(y0(ctx), y0(ctx)))))
// d(1/x) = -1/x²
export const Reciprocal = unary('Reciprocal', '1 / v', (g, ctx) => ctx.b.neg(ctx.b.mul(g, ctx.b.mul(y0(ctx), y0(ctx)))))
export const Identity = unary('Identity', 'v', (g) => g, ['float32', 'int32', 'bool'])

const castLoops: Record<DType, UnaryLoop> = {
  float32: unaryLoop('v'),
  int32: unaryLoop('v | 0'),
  bool: unaryLoop('v !== 0 ? 1 : 0'),
}

/** Cast: float → int32 truncates toward zero; anything → bool is `!= 0` (NaN → true), as ONNX. */
export const Cast: OpDef<OpAttrs['Cast']> = {
  arity: [1, 1],
  infer([x], { to }) {
    if (!['float32', 'int32', 'bool'].includes(to)) throw new Error(`Cast: unknown target dtype ${to}`)
    return [{ shape: [...(x as Value).shape], dtype: to }]
  },
  forward({ inputs, attrs }) {
    const n = sizeOf((inputs[0] as Value).shape)
    const loop = castLoops[attrs.to]
    return { run: (ins, outs) => loop(ins[0]!, outs[0]!, n) }
  },
  backward({ inputs, attrs, dOut, needs }) {
    const g = dOut[0]
    return g && needs[0] && (inputs[0] as Value).dtype === 'float32' && attrs.to === 'float32' ? [g] : []
  },
}

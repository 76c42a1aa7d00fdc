import type { TrainProgram } from '../../domain/train/train-step-graph.ts'

/** `1,234 parameters`, or for a LoRA run `1,234 trainable of 56,789 parameters (2.17%)`. */
export function parameterLine(program: Pick<TrainProgram, 'params' | 'frozen'>): string {
  const count = (specs: readonly { shape: readonly number[] }[]) =>
    specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0)
  const trainable = count(program.params)
  const total = trainable + count(program.frozen)
  const fmt = (n: number) => n.toLocaleString('en-US')
  if (program.frozen.length === 0) return `${fmt(total)} parameters`
  return `${fmt(trainable)} trainable of ${fmt(total)} parameters (${((100 * trainable) / total).toFixed(2)}%)`
}

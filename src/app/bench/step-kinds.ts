import { readFileSync } from 'node:fs'
import type { Graph } from '../../domain/train/ir/graph-builder.ts'
import { graphToOnnxModel } from '../../domain/train/onnx/graph-to-onnx.ts'
import { UserError } from '../../foundation/errors/user-error.ts'

/** The two train steps the backends benchmark compares: AdamW and the clip per tensor, or per decay group. */
export const STEP_KINDS = ['per-tensor', 'fused'] as const
export type StepKind = (typeof STEP_KINDS)[number]

/** Nodes of `graph` once exported to ONNX (what onnxruntime schedules before its own fusions). */
export function onnxNodeCount(graph: Graph): number {
  return graphToOnnxModel(graph).graph.node.length
}

/** What scripts/device/torch_reference.py measured: the same GPT step in eager PyTorch. */
export interface TorchReference {
  tokensPerSecond: number
  device: string
  description: string
  [key: string]: unknown
}

/** Reads the reference's JSON; a missing file or field is the user's to fix (exit 2). */
export function readTorchReference(path: string): TorchReference {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UserError(
      'BAD_FLAG',
      `--reference ${path}: cannot read it as JSON (${(error as Error).message.split('\n')[0]})`,
      'pass the file scripts/device/torch_reference.py writes with --out',
    )
  }
  const r = parsed as Partial<TorchReference> | null
  if (!r || typeof r.tokensPerSecond !== 'number' || !(r.tokensPerSecond > 0)) {
    throw new UserError(
      'BAD_FLAG',
      `--reference ${path}: field tokensPerSecond is missing or not a positive number`,
      'pass the file scripts/device/torch_reference.py writes with --out',
    )
  }
  return { ...r, device: String(r.device ?? '?'), description: String(r.description ?? '') } as TorchReference
}

import ort from 'onnxruntime-node'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { GraphBuilder } from '../ir/graph-builder.ts'
import { graphToOnnx } from '../onnx/graph-to-onnx.ts'

/** Whether onnxruntime-node's WebGPU execution provider found an adapter, and why not. */
export type WebGpuProbe = { ok: true } | { ok: false; reason: string }

let probe: Promise<WebGpuProbe> | undefined

/**
 * Creates (once per process) a one-node WebGPU session. onnxruntime-node throws at session
 * creation when Dawn finds no adapter (no `libvulkan.so.1`, no GPU driver), even with a CPU
 * fallback listed, so creation is the probe (../shared/notes/training.md).
 */
export function probeWebGpu(): Promise<WebGpuProbe> {
  probe ??= (async (): Promise<WebGpuProbe> => {
    const b = new GraphBuilder()
    const x = b.input('x', [4])
    const model = graphToOnnx(b.finish({ y: b.add(x, 1) }), { name: 'webgpu-probe' })
    try {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] })
      await session.release()
      return { ok: true }
    } catch (error) {
      return { ok: false, reason: adapterReason(error) }
    }
  })()
  return probe
}

/** The short reason in an ORT WebGPU error ("Failed to get a WebGPU adapter: No supported adapters"). */
export function adapterReason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).trim()
  const at = text.indexOf('Failed to')
  return (at >= 0 ? text.slice(at) : text).split('\n')[0] as string
}

/** The exit-2 error for `--backend ort-webgpu` where no adapter exists: the reason and the fix. */
export function webGpuUnavailable(reason: string): UserError {
  return new UserError(
    'WEBGPU_UNAVAILABLE',
    `--backend ort-webgpu: onnxruntime-node found no WebGPU adapter (${reason})`,
    'WebGPU runs through Vulkan on Linux: install the Vulkan loader (`apt-get install libvulkan1`) and a GPU ' +
      'driver with Vulkan support (on NVIDIA set VK_DRIVER_FILES to its nvidia_icd.json if the loader does not find it), ' +
      'or train on the CPU with `--backend ort-cpu`',
  )
}

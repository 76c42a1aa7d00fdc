import { describe, expect, test } from 'vitest'
import { adapterReason, webGpuUnavailable } from '../../../src/train/ort/webgpu-adapter.ts'

const ORT_MESSAGE =
  '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(' +
  'const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success ' +
  'was false. Failed to get a WebGPU adapter: No supported adapters\n'

describe('adapterReason()', () => {
  test('keeps the sentence from "Failed to" on, without the source location', () => {
    expect(adapterReason(new Error(ORT_MESSAGE))).toBe('Failed to get a WebGPU adapter: No supported adapters')
  })

  test('keeps the first line of anything else', () => {
    expect(adapterReason('device lost\nmore')).toBe('device lost')
  })
})

describe('webGpuUnavailable()', () => {
  test('is an exit-2 usage error with the reason and the fix', () => {
    const error = webGpuUnavailable('Failed to get a WebGPU adapter: No supported adapters')
    expect({ code: error.code, exitCode: error.exitCode, message: error.message, hint: error.hint }).toMatchSnapshot()
  })
})

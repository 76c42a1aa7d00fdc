import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { adapterReason, probeWebGpu, webGpuUnavailable } from '../../../../src/domain/train/ort/webgpu-adapter.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../../support/temp-dir.ts'

const dir = tempDir('webgpu-cli-')

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

describe('npm run train -- --backend ort-webgpu', () => {
  test('without an adapter exits 2 with the reason and the fix, no stack trace, no fallback', async (ctx) => {
    const probe = await probeWebGpu()
    if (probe.ok) return ctx.skip('a WebGPU adapter exists here: the no-adapter path cannot be observed')
    const args = ['--config', 'configs/train/gpt-tiny.json', '--backend', 'ort-webgpu', '--system-metrics', 'off']
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/train.ts', ...args, '--set', `out_dir=${join(dir, 'run')}`],
      {
        cwd: REPO_ROOT,
        env: childEnv(join(dir, 'ledger.db')),
        encoding: 'utf8',
        timeout: 60_000,
      },
    )
    expect(child.status).toBe(2)
    expect(child.stderr).toContain(
      `error: --backend ort-webgpu: onnxruntime-node found no WebGPU adapter (${probe.reason})`,
    )
    expect(child.stderr).toContain('or train on the CPU with `--backend ort-cpu`')
    expect(child.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/)
    expect(child.stdout).not.toContain('step 1 |')
  })
})

import { execFile } from 'node:child_process'

/**
 * Why no GPU is usable here, or undefined when `nvidia-smi -L` lists at least one device.
 * `nvidia-smi` is looked up on the PATH of `env` (the gate's environment).
 */
export function noGpuReason(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['-L'], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        return resolve('no GPU here: nvidia-smi is not installed (requires: gpu)')
      }
      const devices = stdout.split('\n').filter((l) => /^GPU \d+/.test(l))
      if (devices.length > 0) return resolve(undefined)
      const said = `${stderr}${stdout}`.trim().split('\n')[0] ?? ''
      resolve(`no GPU here: nvidia-smi lists no device${said ? ` (${said})` : ''} (requires: gpu)`)
    })
  })
}

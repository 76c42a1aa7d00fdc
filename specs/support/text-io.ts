import type { Io } from '../../src/foundation/cli/io.ts'

/**
 * An Io whose output goes to the given callbacks; the environment is the live process.env (specs
 * point CODEX_LEDGER and friends there) and the working directory this process's.
 */
export function textIo(out: (text: string) => void, err: (text: string) => void = () => {}): Io {
  return {
    stdout: out,
    stderr: err,
    get env() {
      return process.env
    },
    get cwd() {
      return process.cwd()
    },
  }
}

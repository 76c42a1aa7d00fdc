/**
 * Where a command writes and what it reads from its process: the one I/O contract every CLI
 * takes, so specs run commands in-process and capture output without a child process.
 */
export interface Io {
  /** Writes text to standard output as given (commands add their own newlines). */
  stdout(text: string): void
  /** Writes text to standard error as given. */
  stderr(text: string): void
  /** The environment the command sees (read it through settings, never write it). */
  readonly env: NodeJS.ProcessEnv
  /** The working directory the command resolves relative paths against. */
  readonly cwd: string
}

/** The real process's streams, environment and working directory. */
export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  }
}

/** An Io that collects what is written, for specs. */
export interface MemoryIo extends Io {
  readonly out: string
  readonly err: string
}

export function memoryIo(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): MemoryIo {
  let out = ''
  let err = ''
  return {
    stdout: (text) => {
      out += text
    },
    stderr: (text) => {
      err += text
    },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    get out() {
      return out
    },
    get err() {
      return err
    },
  }
}

/** Where a command writes its lines: stdout and stderr, or a spec's buffers. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
}

export const STDIO: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

import { execFile } from 'node:child_process'
import { realpathSync, statSync } from 'node:fs'
import { readJsonMemo, writeJsonMemo } from '../json-memo.ts'

/**
 * A tool's version output, for the cache key: `argv` run with a 10 s timeout, stdout and stderr
 * trimmed to 500 characters (a failing probe still answers, with its exit code). The answer is
 * remembered in `memoPath` against the binary's real path, size and mtime: a tool that is
 * replaced or upgraded in place is probed again, an unchanged one never starts a process on a
 * warm run.
 */
export async function probeVersion(
  bin: string,
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; memoPath?: string },
): Promise<string> {
  const stamp = binaryStamp(bin)
  const key = `${stamp}\0${argv.join('\0')}`
  const memo = options.memoPath ? readJsonMemo<string>(options.memoPath) : {}
  const known = memo[key]
  if (known !== undefined) return known
  const answer = await runProbe(argv, options.cwd, options.env)
  if (options.memoPath) writeJsonMemo(options.memoPath, { ...memo, [key]: answer }, KEEP)
  return answer
}

// --- internal ---

const PROBE_TIMEOUT_MS = 10_000
const KEEP = 200

function binaryStamp(bin: string): string {
  try {
    const real = realpathSync(bin)
    const stat = statSync(real, { bigint: true })
    return `${real}:${stat.size}:${stat.mtimeNs}`
  } catch {
    return `unknown:${bin}`
  }
}

function runProbe(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const [program, ...args] = argv
  if (program === undefined) return Promise.resolve('no probe')
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { cwd, env, timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        const text = `${stdout}${stderr}`.trim().slice(0, 500)
        if (!error) return resolve(text)
        const code = (error as { code?: unknown }).code
        resolve(`${text} (probe exit ${typeof code === 'number' ? code : String(code ?? error.message)})`)
      },
    )
  })
}

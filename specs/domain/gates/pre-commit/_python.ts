// python3 for differential specs: the same inputs through CPython's own modules (re, json, ast,
// xml.sax), the reference pre-commit-hooks runs on. Specs skip with this reason when it is absent.
import { spawnSync } from 'node:child_process'

const probe = spawnSync('python3', ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' })

/** True when python3 runs here. */
export const hasPython3 = probe.status === 0 && probe.stdout.trim() === '3'

export const NO_PYTHON3 = 'python3 is not installed: the differential check against CPython is skipped'

/** Runs a Python script that reads JSON from stdin and prints JSON; returns the parsed output. */
export function python<T>(script: string, input: unknown): T {
  const r = spawnSync('python3', ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

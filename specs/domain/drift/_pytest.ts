// python3 and pytest for the python-drift specs; they skip with these reasons when either is
// absent (CI installs Debian's python3-pytest when it can: see .ci/run).
import { spawnSync } from 'node:child_process'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

const python = spawnSync('python3', ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' })
const pytest = spawnSync('python3', ['-c', 'import pytest'], { encoding: 'utf8' })

/** True when python3 runs here. */
export const hasPython3 = python.status === 0 && python.stdout.trim() === '3'
/** True when `python3 -m pytest` can run. */
export const hasPytest = hasPython3 && pytest.status === 0

export const NO_PYTHON3 = 'python3 is not installed: the python-drift sitecustomize cannot be exercised'
export const NO_PYTEST =
  'pytest is not installed for python3 (Debian: apt-get install python3-pytest): no python-drift run'

/** The drift fixture (a pytest suite and the fake optional module) copied into a temp folder: Python writes __pycache__. */
export function driftSuiteCopy(): string {
  const dir = join(tempDir('python-drift-'), 'repo')
  cpSync(join(REPO_ROOT, 'specs', 'fixtures', 'python', 'drift-suite'), dir, { recursive: true })
  return dir
}

import { describe, expect, test } from 'vitest'
import { checkLicenses } from '../../../../src/domain/gates/python-deps/check-licenses.ts'
import { PYTHON_DEPS_DEFAULTS } from '../../../../src/domain/gates/python-deps/python-deps.ts'
import {
  findPythonEnvironment,
  installedDistributions,
} from '../../../../src/domain/gates/python-deps/python-environment.ts'
import { tempRepo } from '../_temp-repo.ts'
import { brief, memoryProject } from './_load.ts'
import { NO_PYTHON, venv } from './_python-fixtures.ts'

const FILES = { 'requirements.txt': 'torch==2.3.0\nmystery-tool==1.0\nvendored==0.1\n' }
const ENV = venv([
  {
    name: 'torch',
    version: '2.3.0',
    license: 'BSD-3',
    classifiers: ['License :: OSI Approved :: BSD License'],
    requires: ['sympy', 'filelock', 'pywin32 ; platform_system == "Windows"', 'pytest ; extra == "dev"'],
  },
  { name: 'sympy', version: '1.12', licenseExpression: 'BSD-3-Clause', requires: ['mpmath>=1.1'] },
  { name: 'mpmath', version: '1.3.0', license: 'GPL' },
  { name: 'filelock', version: '3.14.0', licenseExpression: 'Unlicense' },
  { name: 'pywin32', version: '306', license: 'PSF' },
  { name: 'pytest', version: '8.2.1', license: 'AGPL-3.0-only' },
  { name: 'mystery-tool', version: '1.0', license: 'UNKNOWN' },
  { name: 'vendored', version: '0.1', license: 'Proprietary' },
  { name: 'unrelated', version: '1.0', license: 'GPL' },
])

describe('checkLicenses()', () => {
  test('reachable distributions only, transitive ones at the declaration that pulls them in; exceptions skipped', () => {
    const root = tempRepo({ ...FILES, ...ENV })
    const env = findPythonEnvironment(root, {}, NO_PYTHON)!
    const markers = { ...env.markers, platform_system: 'Linux' }
    const issues = checkLicenses(
      memoryProject(FILES),
      installedDistributions(env),
      markers,
      PYTHON_DEPS_DEFAULTS.license_allow,
      {
        vendored: 'our own fork, licensed to us',
      },
    )
    expect(brief(issues)).toEqual([
      'warn license-unknown requirements.txt:2',
      'error license-not-allowed requirements.txt:1',
    ])
    expect(issues[0]!.message).toBe(
      'mystery-tool 1.0 declares no licence this gate can read (License: "UNKNOWN", no License-Expression or licence classifier)',
    )
    expect(issues[1]!.message).toMatch(
      /^mpmath 1\.3\.0 \(via torch → sympy → mpmath\) is licensed GPL-2\.0-or-later \(from License\), not in the allowlist/,
    )
  })
})

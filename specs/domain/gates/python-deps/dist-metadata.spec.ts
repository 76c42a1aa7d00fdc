import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { distLicense } from '../../../../src/domain/gates/python-deps/dist-license.ts'
import { parseDistMetadata } from '../../../../src/domain/gates/python-deps/dist-metadata.ts'
import { findPythonEnvironment } from '../../../../src/domain/gates/python-deps/python-environment.ts'

const METADATA = `Metadata-Version: 2.1
Name: torch
Version: 2.3.0+cu121
Summary: Tensors and Dynamic neural networks in Python
License: BSD-3
       |Copyright (c) 2016-     Facebook, Inc
       |All rights reserved.
Classifier: License :: OSI Approved :: BSD License
Classifier: Programming Language :: Python :: 3
Requires-Dist: filelock
Requires-Dist: sympy
Requires-Dist: nvidia-cuda-runtime-cu12 ==12.1.105 ; platform_system == "Linux" and platform_machine == "x86_64"

Name: not-a-header (this is the description body)
`

describe('parseDistMetadata()', () => {
  test('headers up to the blank line, continuation lines joined, repeated headers kept', () => {
    expect(parseDistMetadata(METADATA)).toEqual({
      name: 'torch',
      version: '2.3.0+cu121',
      license: 'BSD-3\nCopyright (c) 2016-     Facebook, Inc\nAll rights reserved.',
      classifiers: ['License :: OSI Approved :: BSD License', 'Programming Language :: Python :: 3'],
      requiresDist: [
        'filelock',
        'sympy',
        'nvidia-cuda-runtime-cu12 ==12.1.105 ; platform_system == "Linux" and platform_machine == "x86_64"',
      ],
    })
  })

  test('no Name or no Version: not a distribution', () => {
    expect(parseDistMetadata('Metadata-Version: 2.1\nName: x\n')).toBeUndefined()
  })
})

describe('distLicense()', () => {
  const meta = (fields: Partial<ReturnType<typeof parseDistMetadata> & object>) => ({
    name: 'x',
    version: '1',
    classifiers: [],
    requiresDist: [],
    ...fields,
  })
  test.each([
    [{ licenseExpression: 'MIT OR Apache-2.0' }, 'MIT OR Apache-2.0', 'License-Expression'],
    [{ license: 'Apache 2.0' }, 'Apache-2.0', 'License'],
    [{ license: 'BSD 3-Clause License' }, 'BSD-3-Clause', 'License'],
    [{ license: 'MPL-2.0', classifiers: ['License :: OSI Approved :: MIT License'] }, 'MPL-2.0', 'License'],
    [
      { license: 'UNKNOWN', classifiers: ['License :: OSI Approved :: BSD License'] },
      'BSD-3-Clause OR BSD-2-Clause',
      'Classifier',
    ],
    [
      { classifiers: ['License :: OSI Approved :: Apache Software License', 'License :: OSI Approved :: BSD License'] },
      'Apache-2.0 OR (BSD-3-Clause OR BSD-2-Clause)',
      'Classifier',
    ],
    [{ license: 'Copyright (c) me\n\nPermission is hereby granted, free of charge, to any person' }, 'MIT', 'License'],
  ])('%j → %s (from %s)', (fields, expression, from) => {
    expect(distLicense(meta(fields))).toMatchObject({ expression, from })
  })

  test.each([[{ license: 'UNKNOWN' }], [{ license: 'Proprietary; see LICENSE' }], [{}]])(
    '%j has no readable licence',
    (fields) => {
      expect(distLicense(meta(fields))).toBeUndefined()
    },
  )

  test("every distribution installed for this machine's python3 parses, and most licences resolve", (ctx) => {
    const environment = findPythonEnvironment('/nonexistent-root', {})
    const dirs = environment?.sitePackages.filter((d) => existsSync(d)) ?? []
    if (dirs.length === 0) return ctx.skip('no python3 with a site-packages folder on this machine')
    const metas = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((n) => n.endsWith('.dist-info') && existsSync(join(dir, n, 'METADATA')))
        .map((n) => parseDistMetadata(readFileSync(join(dir, n, 'METADATA'), 'utf8'))),
    )
    expect(metas.every((m) => m !== undefined)).toBe(true)
    const resolved = metas.filter((m) => distLicense(m!)).length
    expect(resolved / metas.length, `${resolved} of ${metas.length} licences resolved`).toBeGreaterThan(0.8)
  })
})

import { parseSpdx, type SpdxNode } from '../licenses/spdx.ts'
import type { DistMetadata } from './dist-metadata.ts'

/** A distribution's licence as an SPDX expression, and which metadata field said so. */
export interface DistLicense {
  expression: string
  tree: SpdxNode
  from: 'License-Expression' | 'License' | 'Classifier'
}

/**
 * Resolves a licence the way a reviewer reads the metadata: PEP 639 `License-Expression` first;
 * then the free-text `License` field when it is a known name or an SPDX expression of known ids;
 * then the `License ::` trove classifiers (several mean a choice: OR). Undefined when none says.
 */
export function distLicense(meta: DistMetadata): DistLicense | undefined {
  if (meta.licenseExpression) {
    const tree = parseSpdx(meta.licenseExpression)
    if (tree) return { expression: meta.licenseExpression, tree, from: 'License-Expression' }
  }
  const fromField = meta.license ? licenseFieldToSpdx(meta.license) : undefined
  if (fromField) {
    const tree = parseSpdx(fromField)
    if (tree) return { expression: fromField, tree, from: 'License' }
  }
  const ids = [...new Set(meta.classifiers.flatMap((c) => CLASSIFIERS[c.replace(/\s+/g, ' ').trim()] ?? []))]
  if (ids.length > 0) {
    const expression = ids.length === 1 ? ids[0]! : ids.map((id) => (id.includes(' ') ? `(${id})` : id)).join(' OR ')
    const tree = parseSpdx(expression)
    if (tree) return { expression, tree, from: 'Classifier' }
  }
  return undefined
}

// --- internal ---

/** `License ::` trove classifiers → SPDX. "BSD License" names no variant: either BSD clause form. */
const CLASSIFIERS: Record<string, string[]> = {
  'License :: OSI Approved :: MIT License': ['MIT'],
  'License :: OSI Approved :: MIT No Attribution License (MIT-0)': ['MIT-0'],
  'License :: OSI Approved :: BSD License': ['BSD-3-Clause OR BSD-2-Clause'],
  'License :: OSI Approved :: Apache Software License': ['Apache-2.0'],
  'License :: OSI Approved :: ISC License (ISCL)': ['ISC'],
  'License :: OSI Approved :: Python Software Foundation License': ['PSF-2.0'],
  'License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)': ['MPL-2.0'],
  'License :: OSI Approved :: The Unlicense (Unlicense)': ['Unlicense'],
  'License :: OSI Approved :: zlib/libpng License': ['Zlib'],
  'License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)': ['HPND'],
  'License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)': ['BSL-1.0'],
  'License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)': ['EPL-2.0'],
  'License :: OSI Approved :: GNU General Public License v2 (GPLv2)': ['GPL-2.0-only'],
  'License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)': ['GPL-2.0-or-later'],
  'License :: OSI Approved :: GNU General Public License v3 (GPLv3)': ['GPL-3.0-only'],
  'License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)': ['GPL-3.0-or-later'],
  'License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)': ['LGPL-2.0-only'],
  'License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)': ['LGPL-2.0-or-later'],
  'License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)': ['LGPL-3.0-only'],
  'License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)': ['LGPL-3.0-or-later'],
  'License :: OSI Approved :: GNU Affero General Public License v3': ['AGPL-3.0-only'],
  'License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)': ['AGPL-3.0-or-later'],
  'License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': ['CC0-1.0'],
}

/** Free-text `License` values seen in the wild, lowercased with punctuation and the word "license" dropped. */
const FIELD_ALIASES: Record<string, string> = {
  mit: 'MIT',
  'the mit': 'MIT',
  'expat mit': 'MIT',
  bsd: 'BSD-3-Clause OR BSD-2-Clause',
  'new bsd': 'BSD-3-Clause',
  'modified bsd': 'BSD-3-Clause',
  'bsd 3 clause': 'BSD-3-Clause',
  '3 clause bsd': 'BSD-3-Clause',
  'bsd 2 clause': 'BSD-2-Clause',
  'simplified bsd': 'BSD-2-Clause',
  apache: 'Apache-2.0',
  'apache 2': 'Apache-2.0',
  'apache 2 0': 'Apache-2.0',
  'apache v2': 'Apache-2.0',
  'apache software': 'Apache-2.0',
  'apache software 2 0': 'Apache-2.0',
  'apache version 2 0': 'Apache-2.0',
  isc: 'ISC',
  psf: 'PSF-2.0',
  'python software foundation': 'PSF-2.0',
  'mpl 2 0': 'MPL-2.0',
  'mozilla public 2 0': 'MPL-2.0',
  unlicense: 'Unlicense',
  'the unlicense': 'Unlicense',
  lgpl: 'LGPL-2.1-or-later',
  gpl: 'GPL-2.0-or-later',
  gplv3: 'GPL-3.0-only',
}

/** Ids an SPDX-looking `License` value may use and still be trusted (free text like "BSD" or "UNKNOWN" is not SPDX). */
const KNOWN_IDS = new Set([
  ...Object.values(FIELD_ALIASES).flatMap((e) => e.split(' OR ')),
  ...Object.values(CLASSIFIERS).flatMap((ids) => ids.flatMap((e) => e.split(' OR '))),
  '0BSD',
  'CC0-1.0',
  'CC-BY-4.0',
  'Python-2.0',
  'Apache-1.1',
  'BSD-4-Clause',
  'LGPL-2.1-only',
  'LGPL-2.1-or-later',
  'MPL-1.1',
  'BlueOak-1.0.0',
  'Artistic-2.0',
])

function licenseFieldToSpdx(field: string): string | undefined {
  const firstLine = field.split('\n')[0]!.trim()
  const tree = parseSpdx(firstLine)
  if (tree && spdxIds(tree).every((id) => KNOWN_IDS.has(id.replace(/\+$/, '')))) return firstLine
  const key = firstLine
    .toLowerCase()
    .replace(/\blicen[sc]e[ds]?\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
  if (FIELD_ALIASES[key]) return FIELD_ALIASES[key]
  // Whole licence texts pasted into the field.
  if (/permission is hereby granted, free of charge/i.test(field)) return 'MIT'
  if (/apache license[\s,]*version 2\.0/i.test(field)) return 'Apache-2.0'
  if (/redistribution and use in source and binary forms/i.test(field)) {
    return /neither the name/i.test(field) ? 'BSD-3-Clause' : 'BSD-2-Clause'
  }
  return undefined
}

function spdxIds(node: SpdxNode): string[] {
  return node.type === 'license' ? [node.id] : [...spdxIds(node.left), ...spdxIds(node.right)]
}

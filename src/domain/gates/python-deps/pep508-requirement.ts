import { formatSpecifierSet, parseSpecifierSet, type SpecifierSet } from './pep440-specifier.ts'
import {
  canonicalizeName,
  formatMarker,
  type MarkerList,
  normalizeExtraValues,
  parseMarkerTokens,
} from './pep508-marker.ts'
import { PyTokenizer } from './pep508-tokenizer.ts'

/** A PEP 508 dependency specifier, as `packaging.requirements.Requirement` holds it. */
export interface Requirement {
  /** The name as written (`Flash_Attn`). */
  name: string
  /** PEP 503-normalised (`flash-attn`): what packages are matched by. */
  canonical: string
  extras: string[]
  specifier: SpecifierSet
  /** `name @ url`: a direct reference instead of a version. */
  url?: string
  marker?: MarkerList
}

/** Parses `name[extras] (specifier) ; marker` or `name @ url ; marker`. Throws Pep508SyntaxError (or InvalidSpecifierError). */
export function parseRequirement(text: string): Requirement {
  const t = new PyTokenizer(text)
  t.consume('WS')
  const name = t.expect('IDENTIFIER', 'package name at the start of dependency specifier')
  t.consume('WS')
  const extras = parseExtras(t)
  t.consume('WS')
  const { url, specifier, marker } = parseDetails(t)
  t.expect('END', 'end of dependency specifier')
  const requirement: Requirement = {
    name,
    canonical: canonicalizeName(name),
    extras: [...new Set(extras)],
    specifier: parseSpecifierSet(specifier),
  }
  if (url) requirement.url = url
  if (marker) requirement.marker = normalizeExtraValues(marker)
  return requirement
}

/** `str(Requirement)`: `name[a,b]>=1,<2 ; marker` with extras sorted and clauses normalised. */
export function formatRequirement(r: Requirement): string {
  let out = r.name
  if (r.extras.length > 0) out += `[${[...r.extras].sort().join(',')}]`
  const spec = formatSpecifierSet(r.specifier)
  if (spec) out += spec
  if (r.url) out += ` @ ${r.url}${r.marker ? ' ' : ''}`
  if (r.marker) out += `; ${formatMarker(r.marker)}`
  return out
}

// --- internal ---

function parseExtras(t: PyTokenizer): string[] {
  if (!t.check('LEFT_BRACKET', true)) return []
  return t.enclosing('LEFT_BRACKET', 'RIGHT_BRACKET', 'extras', () => {
    t.consume('WS')
    const extras: string[] = []
    if (t.check('IDENTIFIER')) {
      extras.push(t.read())
      for (;;) {
        t.consume('WS')
        if (t.check('IDENTIFIER', true)) t.fail('Expected comma between extra names')
        if (!t.check('COMMA')) break
        t.read()
        t.consume('WS')
        extras.push(t.expect('IDENTIFIER', 'extra name after comma'))
      }
    }
    t.consume('WS')
    return extras
  })
}

function parseDetails(t: PyTokenizer): { url: string; specifier: string; marker?: MarkerList } {
  if (t.check('AT')) {
    t.read()
    t.consume('WS')
    const urlStart = t.position
    const url = t.expect('URL', 'URL after @')
    if (t.check('END', true)) return { url, specifier: '' }
    t.expect('WS', 'whitespace after URL')
    if (t.check('END', true)) return { url, specifier: '' }
    return { url, specifier: '', marker: parseRequirementMarker(t, urlStart, 'semicolon (after URL and whitespace)') }
  }
  const specifierStart = t.position
  const specifier = parseSpecifierTokens(t)
  t.consume('WS')
  if (t.check('END', true)) return { url: '', specifier }
  const expected = specifier
    ? 'comma (within version specifier), semicolon (after version specifier)'
    : 'semicolon (after name with no version specifier)'
  return { url: '', specifier, marker: parseRequirementMarker(t, specifierStart, expected) }
}

function parseRequirementMarker(t: PyTokenizer, spanStart: number, expected: string): MarkerList {
  if (!t.check('SEMICOLON')) t.fail(`Expected ${expected} or end`, spanStart)
  t.read()
  const marker = parseMarkerTokens(t)
  t.consume('WS')
  return marker
}

function parseSpecifierTokens(t: PyTokenizer): string {
  return t.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'version specifier', () => {
    t.consume('WS')
    let parsed = ''
    while (t.check('SPECIFIER')) {
      const start = t.position
      parsed += t.read()
      if (t.check('VERSION_PREFIX_TRAIL', true)) t.fail('.* suffix can only be used with `==` or `!=` operators', start)
      if (t.check('VERSION_LOCAL_LABEL_TRAIL', true)) {
        t.fail('Local version label can only be used with `==` or `!=` operators', start)
      }
      t.consume('WS')
      if (!t.check('COMMA')) break
      parsed += t.read()
      t.consume('WS')
    }
    t.consume('WS')
    return parsed
  })
}

/**
 * The core metadata of an installed distribution (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`):
 * RFC 822-style headers up to the first blank line; continuation lines (leading whitespace)
 * belong to the header above; repeated headers (Classifier, Requires-Dist) are kept in order.
 */
export interface DistMetadata {
  name: string
  version: string
  license?: string
  licenseExpression?: string
  classifiers: string[]
  requiresDist: string[]
}

/** Parses METADATA text; undefined when it has no Name or Version. */
export function parseDistMetadata(text: string): DistMetadata | undefined {
  const headers: [string, string][] = []
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers.at(-1)!
      // Setuptools indents continuations by 7 spaces or "       |"; keep the text, not the gutter.
      last[1] += `\n${line.replace(/^ {7}\|?|^\s+/, '')}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()])
  }
  const one = (key: string) => headers.find(([k]) => k === key)?.[1]
  const all = (key: string) => headers.filter(([k]) => k === key).map(([, v]) => v)
  const name = one('name')
  const version = one('version')
  if (!name || !version) return undefined
  const meta: DistMetadata = { name, version, classifiers: all('classifier'), requiresDist: all('requires-dist') }
  const license = one('license')
  if (license) meta.license = license
  const expression = one('license-expression')
  if (expression) meta.licenseExpression = expression
  return meta
}

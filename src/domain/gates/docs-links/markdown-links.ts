import { Slugger } from './slugger.ts'

/** A link target found in a Markdown file. */
export interface MdLink {
  kind: 'inline' | 'image' | 'reference' | 'definition' | 'autolink' | 'html'
  target: string
  line: number
}

/** What the docs-links gate needs from one Markdown file. */
export interface MdDocument {
  links: MdLink[]
  /** Heading slugs (GitHub rules, duplicates numbered) and explicit HTML ids/names. */
  anchors: Set<string>
  /** `[text][label]` / `[label][]` uses whose label has no definition. */
  undefinedReferences: { label: string; line: number }[]
}

/**
 * A small Markdown reader for links: skips front matter, fenced code, HTML comments and code
 * spans; finds inline links and images (nested, as in badges), full/collapsed/shortcut
 * references, definitions, autolinks and HTML href/src; collects ATX and setext headings.
 */
export function parseMarkdown(text: string): MdDocument {
  const lines = text.split(/\r?\n/)
  const slugger = new Slugger()
  const anchors = new Set<string>()
  const definitions = new Map<string, { target: string; line: number }>()
  const links: MdLink[] = []
  const references: { label: string; line: number; explicit: boolean }[] = []
  let fence: { char: string; length: number } | undefined
  let inComment = false
  let start = 0
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'))
    if (end > 0) start = end + 1
  }
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i] as string
    const lineNo = i + 1
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(raw)
      if (close && close[1]?.[0] === fence.char && (close[1]?.length ?? 0) >= fence.length) fence = undefined
      continue
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(raw)
    if (open) {
      fence = { char: (open[1] as string)[0] as string, length: (open[1] as string).length }
      continue
    }
    let line = raw
    if (inComment) {
      const end = line.indexOf('-->')
      if (end === -1) continue
      line = ' '.repeat(end + 3) + line.slice(end + 3)
      inComment = false
    }
    line = line.replace(/<!--.*?-->/g, (m) => ' '.repeat(m.length))
    const commentStart = line.indexOf('<!--')
    if (commentStart !== -1) {
      inComment = true
      line = line.slice(0, commentStart)
    }
    line = blankCodeSpans(line)

    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (atx) anchors.add(slugger.slug(headingText(atx[2] ?? '')))
    else if (isSetextHeading(line, lines[i + 1])) anchors.add(slugger.slug(headingText(line.trim())))

    for (const m of line.matchAll(/<[a-z][^>]*?\s(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(m[1] as string)
    for (const m of line.matchAll(/<(?:a|img|source|video|audio|link)\s[^>]*?(?:href|src)\s*=\s*["']([^"']*)["']/gi)) {
      links.push({ kind: 'html', target: m[1] as string, line: lineNo })
    }
    for (const m of line.matchAll(/<((?:https?|mailto|ftp):[^\s<>]+)>/gi)) {
      links.push({ kind: 'autolink', target: m[1] as string, line: lineNo })
    }
    const definition = /^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*(?:<([^>]*)>|(\S+))/.exec(line)
    if (definition) {
      const label = normalizeLabel(definition[1] as string)
      const target = (definition[2] ?? definition[3]) as string
      if (!definitions.has(label)) definitions.set(label, { target, line: lineNo })
      links.push({ kind: 'definition', target, line: lineNo })
      continue
    }
    scanBrackets(line, lineNo, links, references)
  }
  const undefinedReferences: { label: string; line: number }[] = []
  for (const ref of references) {
    if (definitions.has(normalizeLabel(ref.label))) continue
    if (ref.explicit) undefinedReferences.push({ label: ref.label, line: ref.line })
  }
  return { links, anchors, undefinedReferences }
}

/** Reference labels match case-insensitively with runs of whitespace collapsed. */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase()
}

/** A heading's visible text: links become their text, images and markup go, code keeps its content. */
export function headingText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`+/g, '')
    .replace(/(^|[^\p{L}\p{N}])(\*{1,3}|_{1,3})(?=\S)(.*?\S)\2(?=[^\p{L}\p{N}]|$)/gu, '$1$3')
    .trim()
}

// --- internal ---

function isSetextHeading(line: string, next: string | undefined): boolean {
  if (next === undefined || !/^ {0,3}(?:=+|-+)[ \t]*$/.test(next)) return false
  const trimmed = line.trim()
  if (trimmed === '' || /^ {4,}/.test(line)) return false
  // A list item, quote, table row or thematic break above `---` is not a heading's text.
  return !/^(?:[-*+]\s|\d+[.)]\s|>|\||#|(?:[-*_]\s*){3,}$)/.test(trimmed)
}

/** Replaces code spans (`` `x` ``, ``` ``x`` ```) with spaces so links inside them are ignored. */
function blankCodeSpans(line: string): string {
  if (!line.includes('`')) return line
  return line.replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (m) => ' '.repeat(m.length))
}

function scanBrackets(
  line: string,
  lineNo: number,
  links: MdLink[],
  references: { label: string; line: number; explicit: boolean }[],
): void {
  for (let i = line.indexOf('['); i !== -1; i = line.indexOf('[', i + 1)) {
    if (isEscaped(line, i)) continue
    const close = matchingBracket(line, i)
    if (close === -1) continue
    const text = line.slice(i + 1, close)
    if (text.startsWith('^')) continue // footnote
    const image = i > 0 && line[i - 1] === '!' && !isEscaped(line, i - 1)
    const after = line[close + 1]
    if (after === '(') {
      const target = inlineDestination(line, close + 1)
      if (target !== undefined) links.push({ kind: image ? 'image' : 'inline', target, line: lineNo })
    } else if (after === '[') {
      const end = line.indexOf(']', close + 2)
      if (end === -1) continue
      const label = line.slice(close + 2, end)
      references.push({ label: label.trim() === '' ? text : label, line: lineNo, explicit: true })
    } else if (text.trim() !== '' && line[close + 1] !== ':') {
      references.push({ label: text, line: lineNo, explicit: false })
    }
  }
}

function isEscaped(line: string, i: number): boolean {
  let backslashes = 0
  for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) backslashes++
  return backslashes % 2 === 1
}

function matchingBracket(line: string, open: number): number {
  let depth = 0
  for (let i = open; i < line.length; i++) {
    const c = line[i]
    if (c === '\\') {
      i++
      continue
    }
    if (c === '[') depth++
    else if (c === ']' && --depth === 0) return i
  }
  return -1
}

/** `(dest "title")` starting at `(`: the destination, or undefined when it is not a link. */
function inlineDestination(line: string, paren: number): string | undefined {
  let i = paren + 1
  while (line[i] === ' ' || line[i] === '\t') i++
  if (line[i] === '<') {
    const end = line.indexOf('>', i + 1)
    return end === -1 ? undefined : line.slice(i + 1, end)
  }
  let depth = 0
  const startAt = i
  for (; i < line.length; i++) {
    const c = line[i] as string
    if (c === '\\') {
      i++
      continue
    }
    if (c === ' ' || c === '\t') break
    if (c === '(') depth++
    else if (c === ')') {
      if (depth === 0) break
      depth--
    }
  }
  if (i >= line.length) return undefined
  const dest = line.slice(startAt, i)
  return dest
}

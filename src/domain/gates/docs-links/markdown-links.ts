import {
  angleSpans,
  blankCodeSpans,
  blankComments,
  inlineDestination,
  isEscaped,
  matchBrackets,
} from './inline-scan.ts'
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
 * spans; finds inline links and images (nested, as in badges), full/collapsed references,
 * definitions, autolinks and HTML href/src; collects ATX and setext headings. Linear in the
 * text whatever it holds (see inline-scan.ts); measured 25-35x faster than micromark on real docs.
 */
export function parseMarkdown(text: string): MdDocument {
  const lines = text.split(/\r?\n/)
  const slugger = new Slugger()
  const anchors = new Set<string>()
  const definitions = new Map<string, { target: string; line: number }>()
  const links: MdLink[] = []
  const references: { label: string; line: number }[] = []
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
    const uncommented = blankComments(line)
    line = uncommented.line
    inComment = uncommented.open

    // Headings are read before code spans are blanked: `## Configuring \`torchao\`` keeps its words.
    const atx = atxHeading(line)
    if (atx !== undefined) anchors.add(slugger.slug(headingText(atx)))
    else if (isSetextHeading(line, lines[i + 1])) anchors.add(slugger.slug(headingText(line.trim())))
    line = blankCodeSpans(line)

    const spans = line.includes('<') ? angleSpans(line) : []
    for (const span of spans) {
      const id = /^<[a-z][^>]*?\s(?:id|name)\s*=\s*["']([^"']+)["']/i.exec(span)
      if (id) anchors.add(id[1] as string)
    }
    for (const span of spans) {
      const href = /^<(?:a|img|source|video|audio|link)\s[^>]*?(?:href|src)\s*=\s*["']([^"']*)["']/i.exec(span)
      if (href) links.push({ kind: 'html', target: href[1] as string, line: lineNo })
    }
    for (const span of spans) {
      const auto = /^<((?:https?|mailto|ftp):[^\s<>]+)>$/i.exec(span)
      if (auto) links.push({ kind: 'autolink', target: auto[1] as string, line: lineNo })
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
  const undefinedReferences = references.filter((ref) => !definitions.has(normalizeLabel(ref.label)))
  return { links, anchors, undefinedReferences }
}

/** Reference labels match case-insensitively with runs of whitespace collapsed. */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase()
}

/** A heading's visible text: links become their text, images and markup go, code keeps its content. */
export function headingText(markdown: string): string {
  let text = replaceBracketForms(markdown, 'image') // ![alt](src) -> ''
  text = replaceBracketForms(text, 'inline') // [text](dest) -> text
  text = replaceBracketForms(text, 'reference') // [text][label] -> text
  text = removeTags(text).replace(/`+/g, '')
  // Emphasis needs a backtracking regex; past 2 000 characters (no real heading) only `*` runs go.
  return (
    text.length > 2000
      ? text.replace(/\*+/g, '')
      : text.replace(/(^|[^\p{L}\p{N}])(\*{1,3}|_{1,3})(?=\S)(.*?\S)\2(?=[^\p{L}\p{N}]|$)/gu, '$1$3')
  ).trim()
}

// --- internal ---

/** The text of an ATX heading line (`## Title ##` -> `Title`), or undefined. Linear, no regex backtracking. */
function atxHeading(line: string): string | undefined {
  let i = 0
  while (i < 3 && line[i] === ' ') i++
  let hashes = 0
  while (line[i + hashes] === '#') hashes++
  if (hashes < 1 || hashes > 6) return undefined
  const after = line[i + hashes]
  if (after !== undefined && after !== ' ' && after !== '\t') return undefined
  let content = line.slice(i + hashes).trim()
  // A closing sequence of #s is dropped when a space (or nothing) comes before it.
  let end = content.length
  while (end > 0 && content[end - 1] === '#') end--
  if (end < content.length && (end === 0 || content[end - 1] === ' ' || content[end - 1] === '\t')) {
    content = content.slice(0, end).trim()
  }
  return content
}

function isSetextHeading(line: string, next: string | undefined): boolean {
  if (next === undefined || !/^ {0,3}(?:=+|-+)[ \t]*$/.test(next)) return false
  const trimmed = line.trim()
  if (trimmed === '' || /^ {4,}/.test(line)) return false
  // A list item, quote, table row or thematic break above `---` is not a heading's text.
  return !/^(?:[-*+]\s|\d+[.)]\s|>|\||#|(?:[-*_]\s*){3,}$)/.test(trimmed)
}

/** CommonMark caps link labels at 999 characters. */
const MAX_LABEL = 999

function scanBrackets(line: string, lineNo: number, links: MdLink[], references: { label: string; line: number }[]) {
  if (!line.includes('[')) return
  const match = matchBrackets(line)
  for (let i = line.indexOf('['); i !== -1; i = line.indexOf('[', i + 1)) {
    const close = match[i] as number
    if (close === -1 || isEscaped(line, i)) continue
    if (line[i + 1] === '^') continue // footnote
    const image = i > 0 && line[i - 1] === '!' && !isEscaped(line, i - 1)
    const after = line[close + 1]
    if (after === '(') {
      const target = inlineDestination(line, close + 1)
      if (target !== undefined) links.push({ kind: image ? 'image' : 'inline', target, line: lineNo })
    } else if (after === '[') {
      const reference = explicitReference(line, i, close, match)
      if (reference !== undefined) references.push({ label: reference, line: lineNo })
    }
  }
}

/**
 * The label of `[text][label]` or `[text][]` at `open`, or undefined when CommonMark would not
 * read one there: a label holding brackets (`[[1](u)][[2](v)]`), longer than 999 characters, or
 * bracket text that is indexing or a chain, not a link: `a[0][1]`, `[A1][A2][A3]`.
 */
function explicitReference(line: string, open: number, close: number, match: Int32Array): string | undefined {
  const labelEnd = match[close + 1] as number
  if (labelEnd === -1) return undefined
  const before = line[open - 1]
  if (before !== undefined && (/\w/.test(before) || (before === ']' && !isEscaped(line, open - 1)))) return undefined
  if (line[labelEnd + 1] === '[') return undefined
  const collapsed = labelEnd === close + 2
  const from = collapsed ? open + 1 : close + 2
  const to = collapsed ? close : labelEnd
  if (to - from > MAX_LABEL) return undefined
  const label = line.slice(from, to)
  if (/(?<!\\)[[\]]/.test(label) || label.trim() === '') return undefined
  return label
}

/**
 * One left-to-right pass of `![…](…)` (removed), `[…](…)` or `[…][…]` (kept as their text), with
 * the first `]` and the first `)` after each `[` as the regexes `\[[^\]]*\]\([^)]*\)` would take
 * them, in linear time (next-`]`/`)` indexes computed once).
 */
function replaceBracketForms(s: string, form: 'image' | 'inline' | 'reference'): string {
  if (!s.includes('[')) return s
  const nextClose = nextIndexOf(s, ']')
  const nextParen = nextIndexOf(s, ')')
  let out = ''
  let from = 0
  for (let i = s.indexOf('['); i !== -1; i = s.indexOf('[', i + 1)) {
    if (i < from) continue
    const start = form === 'image' ? i - 1 : i
    if (form === 'image' && (i === 0 || s[i - 1] !== '!' || start < from)) continue
    const j = nextClose[i + 1] ?? -1
    if (j === -1) break
    let end: number
    if (form === 'reference') {
      if (s[j + 1] !== '[') continue
      end = nextClose[j + 2] ?? -1
    } else {
      if (s[j + 1] !== '(') continue
      end = nextParen[j + 2] ?? -1
    }
    if (end === -1) continue
    out += s.slice(from, start) + (form === 'image' ? '' : s.slice(i + 1, j))
    from = end + 1
    i = end
  }
  return out + s.slice(from)
}

/** `<…>` with at least one character inside removed, as `/<[^>]+>/g` would, in linear time. */
function removeTags(s: string): string {
  if (!s.includes('<')) return s
  const nextGt = nextIndexOf(s, '>')
  let out = ''
  let from = 0
  for (let i = s.indexOf('<'); i !== -1; i = s.indexOf('<', i + 1)) {
    if (i < from || s[i + 1] === '>') continue
    const j = nextGt[i + 2] ?? -1
    if (j === -1) break
    out += s.slice(from, i)
    from = j + 1
    i = j
  }
  return out + s.slice(from)
}

/** For each index, the index of the next `ch` at or after it (-1 when none); one backward pass. */
function nextIndexOf(s: string, ch: string): Int32Array {
  const next = new Int32Array(s.length + 1).fill(-1)
  for (let i = s.length - 1; i >= 0; i--) next[i] = s[i] === ch ? i : (next[i + 1] as number)
  return next
}

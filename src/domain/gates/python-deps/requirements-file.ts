import { ShlexSplitError, shlexSplit } from '../../../foundation/process/shlex-split.ts'
import { InvalidSpecifierError } from './pep440-specifier.ts'
import { type MarkerList, parseMarker } from './pep508-marker.ts'
import { parseRequirement, type Requirement } from './pep508-requirement.ts'
import { Pep508SyntaxError } from './pep508-tokenizer.ts'

/**
 * One pip requirements file (`requirements.txt`, `constraints.txt`, pip-compile output), read the
 * way pip's `req_file.py` reads it: `\` continuations joined (the requirement keeps its first
 * line), `#` comments at the start or after whitespace dropped, `${VAR}` expanded from the given
 * environment, arguments split from options at the first token that starts with `-`.
 */
export interface RequirementsFile {
  path: string
  entries: RequirementEntry[]
  includes: RequirementsInclude[]
  /** Global options: `--index-url`, `--extra-index-url`, `--require-hashes`, `--pre`, … (not requirements). */
  options: { name: string; value?: string; line: number }[]
  problems: { line: number; message: string }[]
}

export interface RequirementsInclude {
  kind: 'requirement' | 'constraint'
  /** As written after `-r` / `-c`, relative to the including file's folder. */
  target: string
  line: number
}

/** A requirement line: a PEP 508 specifier, a URL, a local path, or an editable (`-e`) install. */
export interface RequirementEntry {
  file: string
  line: number
  /** The requirement text, comments and options removed. */
  text: string
  form: 'specifier' | 'url' | 'path'
  editable: boolean
  /** Parsed PEP 508 requirement; a URL with `#egg=name` or a wheel file name gets one too. */
  requirement?: Requirement
  /** `url` form: the URL; `path` form: the path as written. */
  location?: string
  marker?: MarkerList
  hashes: string[]
}

/** Parses one file's text. `env` expands `${VAR}` (unset variables stay as written, as pip leaves them). */
export function parseRequirementsFile(
  text: string,
  path: string,
  env: Readonly<Record<string, string | undefined>> = {},
): RequirementsFile {
  const file: RequirementsFile = { path, entries: [], includes: [], options: [], problems: [] }
  for (const { line, content } of logicalLines(text)) {
    const expanded = content.replace(/\$\{([A-Z0-9_]+)\}/g, (all, name: string) => env[name] || all)
    const { args, options } = splitArgsOptions(expanded)
    let parsed: ParsedOption[]
    try {
      parsed = parseOptions(options)
    } catch (error) {
      file.problems.push({ line, message: (error as Error).message })
      continue
    }
    const editable = parsed.find((o) => o.name === '--editable')
    if (args || editable) {
      const result = requirementEntry(editable?.value ?? args, path, line, editable !== undefined)
      if ('error' in result) {
        file.problems.push({ line, message: result.error })
        continue
      }
      result.entry.hashes = parsed.filter((o) => o.name === '--hash').map((o) => o.value!)
      file.entries.push(result.entry)
      continue
    }
    for (const o of parsed) {
      if (o.name === '--requirement' || o.name === '--constraint') {
        file.includes.push({ kind: o.name === '--requirement' ? 'requirement' : 'constraint', target: o.value!, line })
      } else if (o.name === '--hash') {
        file.problems.push({
          line,
          message: '--hash applies to a requirement on the same line, but this line has none',
        })
      } else {
        file.options.push({ name: o.name, value: o.value, line })
      }
    }
  }
  return file
}

// --- internal ---

// pip's COMMENT_RE: a comment starts at `#` at the line start or after whitespace (so `url#egg=x` survives).
const COMMENT_RE = /(^|\s+)#.*$/

/** pip's join_lines + ignore_comments: logical lines with the number of their first physical line. */
function logicalLines(text: string): { line: number; content: string }[] {
  const out: { line: number; content: string }[] = []
  let pending: string[] = []
  let first = 0
  const emit = (line: number, raw: string) => {
    const content = raw.replace(COMMENT_RE, '').trim()
    if (content) out.push({ line, content })
  }
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const physical = index + 1
    const comment = COMMENT_RE.test(raw)
    if (!raw.endsWith('\\') || comment) {
      if (pending.length > 0) {
        // A comment line ends a continuation; pip prefixes it with a space so it still reads as a comment.
        pending.push(comment ? ` ${raw}` : raw)
        emit(first, pending.join(''))
        pending = []
      } else {
        emit(physical, raw)
      }
    } else {
      if (pending.length === 0) first = physical
      pending.push(raw.replace(/^\\+|\\+$/g, ''))
    }
  })
  if (pending.length > 0) emit(first, pending.join(''))
  return out
}

function splitArgsOptions(line: string): { args: string; options: string } {
  const tokens = line.split(' ')
  const cut = tokens.findIndex((t) => t.startsWith('-'))
  if (cut === -1) return { args: tokens.join(' '), options: '' }
  return { args: tokens.slice(0, cut).join(' '), options: tokens.slice(cut).join(' ') }
}

interface ParsedOption {
  name: string
  value?: string
}

// pip's line options; the value says whether the option takes an argument.
const OPTIONS: Record<string, { name: string; takesValue: boolean }> = {
  '-i': { name: '--index-url', takesValue: true },
  '--index-url': { name: '--index-url', takesValue: true },
  '--extra-index-url': { name: '--extra-index-url', takesValue: true },
  '--no-index': { name: '--no-index', takesValue: false },
  '-c': { name: '--constraint', takesValue: true },
  '--constraint': { name: '--constraint', takesValue: true },
  '-r': { name: '--requirement', takesValue: true },
  '--requirement': { name: '--requirement', takesValue: true },
  '-e': { name: '--editable', takesValue: true },
  '--editable': { name: '--editable', takesValue: true },
  '-f': { name: '--find-links', takesValue: true },
  '--find-links': { name: '--find-links', takesValue: true },
  '--no-binary': { name: '--no-binary', takesValue: true },
  '--only-binary': { name: '--only-binary', takesValue: true },
  '--prefer-binary': { name: '--prefer-binary', takesValue: false },
  '--require-hashes': { name: '--require-hashes', takesValue: false },
  '--pre': { name: '--pre', takesValue: false },
  '--trusted-host': { name: '--trusted-host', takesValue: true },
  '--use-feature': { name: '--use-feature', takesValue: true },
  '--global-option': { name: '--global-option', takesValue: true },
  '--config-settings': { name: '--config-settings', takesValue: true },
  '--hash': { name: '--hash', takesValue: true },
}

/** optparse over shlex-split tokens: `--opt=value`, `--opt value`, `-rvalue`, `-r value`. */
function parseOptions(text: string): ParsedOption[] {
  const tokens = splitOptions(text)
  const out: ParsedOption[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    const eq = token.startsWith('--') ? token.indexOf('=') : -1
    const flag = eq === -1 ? (token.startsWith('--') ? token : token.slice(0, 2)) : token.slice(0, eq)
    const option = OPTIONS[flag]
    if (!option) throw new Error(`pip does not know the option ${flag}`)
    if (!option.takesValue) {
      out.push({ name: option.name })
      continue
    }
    const inline =
      eq !== -1 ? token.slice(eq + 1) : !token.startsWith('--') && token.length > 2 ? token.slice(2) : undefined
    const value = inline ?? tokens[++i]
    if (value === undefined) throw new Error(`${flag} needs a value`)
    out.push({ name: option.name, value })
  }
  return out
}

/** pip's shlex.split of a line's options; a quote left open or a final backslash says where and how to fix it. */
function splitOptions(text: string): string[] {
  try {
    return shlexSplit(text)
  } catch (error) {
    if (!(error instanceof ShlexSplitError)) throw error
    throw new Error(
      `the options ${JSON.stringify(text)} cannot be split (as pip splits them): ${error.reason}; ${error.fix}`,
    )
  }
}

const URL_SCHEME = /^(?:https?|file|ftp|(?:git|hg|svn|bzr)\+[a-z]+):/i
const ARCHIVE = /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar)$/i

/** pip's parse_req_from_line, offline: PEP 508 text, a URL (name from `#egg=` or the wheel name), or a path. */
function requirementEntry(
  args: string,
  file: string,
  line: number,
  editable: boolean,
): { entry: RequirementEntry } | { error: string } {
  const isUrl = URL_SCHEME.test(args)
  const markerSep = isUrl ? '; ' : ';'
  const cut = args.indexOf(markerSep)
  const body = (cut === -1 ? args : args.slice(0, cut)).trim()
  const markerText = cut === -1 ? '' : args.slice(cut + markerSep.length).trim()
  const entry: RequirementEntry = { file, line, text: args.trim(), form: 'specifier', editable, hashes: [] }
  try {
    if (markerText) entry.marker = parseMarker(markerText)
    if (isUrl) {
      entry.form = 'url'
      entry.location = body
      const named = nameFromLocation(body)
      if (named) entry.requirement = parseRequirement(named)
    } else if (editable || looksLikePath(body)) {
      entry.form = 'path'
      entry.location = body
      const named = nameFromLocation(body)
      if (named) entry.requirement = parseRequirement(named)
    } else {
      entry.requirement = parseRequirement(body)
      if (entry.requirement.url) {
        entry.form = 'url'
        entry.location = entry.requirement.url
      }
      if (entry.requirement.marker && !entry.marker) entry.marker = entry.requirement.marker
    }
  } catch (error) {
    if (error instanceof Pep508SyntaxError || error instanceof InvalidSpecifierError) {
      return { error: `not a valid requirement: ${args.trim()} (${error.message})` }
    }
    throw error
  }
  return { entry }
}

function looksLikePath(text: string): boolean {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@/.test(text)) return false // PEP 508 `name @ url`
  return /^(?:\.{1,2}(?:[/\\]|$)|[/\\~])/.test(text) || /[/\\]/.test(text) || ARCHIVE.test(text)
}

/** `#egg=name` (pip's egg_fragment), else `name==version` from a wheel file name (`name-1.0-py3-none-any.whl`). */
function nameFromLocation(location: string): string | undefined {
  const egg = /[#&]egg=([^&]+)/.exec(location)?.[1]
  if (egg) return egg
  const wheel = /([^/\\#?]+)\.whl(?:[#?].*)?$/.exec(location)?.[1]
  const parts = wheel?.split('-')
  if (parts && parts.length >= 5) return `${parts[0]}==${parts[1]}`
  return undefined
}

import { dirname, extname, posix } from 'node:path'
import { nearest } from '../../../foundation/cli/nearest.ts'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { readRepoFile } from '../../../foundation/fs/text-file.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { Gate } from '../gate.ts'
import type { GateConfig } from '../gates-config.ts'
import { docsLinksKey } from './docs-links-key.ts'
import { type MdDocument, type MdLink, parseMarkdown } from './markdown-links.ts'

/** The docs-links setting for static-site folders (its default, `[]`, belongs in GATE_DEFAULTS). */
export interface DocsLinksSiteOptions {
  /**
   * Folders published as a static site (mkdocs, Docusaurus, Hugging Face doc-builder, GitHub
   * Pages from docs/): in their Markdown, `/x` is the site's root (`<site>/x`; `/docs/x` also
   * `<site>/x` when the site folder is `docs`), and a page may be linked without its extension
   * (`guide` or `guide/` for guide.md, guide.mdx, guide/index.md, guide/README.md).
   */
  site_root?: string | readonly string[]
}

/**
 * Offline link check of every Markdown file: relative links and images resolve to files in the
 * file list, `#anchors` to headings of the target (GitHub slugs), references to definitions;
 * external URLs are only syntax-checked.
 */
export function scanDocsLinks(
  root: string,
  files: readonly string[],
  config: GateConfig<'docs-links'> & DocsLinksSiteOptions,
) {
  const extensions = new Set(config.extensions.map((e) => e.toLowerCase()))
  const isMarkdown = (path: string) => extensions.has(extname(path).toLowerCase())
  const fileSet = new Set(files)
  const dirSet = new Set<string>([''])
  for (const f of files) for (let d = posix.dirname(f); d !== '.' && !dirSet.has(d); d = posix.dirname(d)) dirSet.add(d)
  const sites = siteRoots(config.site_root, dirSet)
  const siteRootOf = (file: string) => sites.find((site) => site === '' || file.startsWith(`${site}/`))
  const parsed = new Map<string, MdDocument>()
  const documentOf = (path: string): MdDocument => {
    let doc = parsed.get(path)
    if (!doc) {
      doc = parseMarkdown(readRepoFile(root, path)?.toString('utf8') ?? '')
      parsed.set(path, doc)
    }
    return doc
  }
  const findings: Finding[] = []
  for (const file of files.filter(isMarkdown)) {
    const doc = documentOf(file)
    const finding = (rule: string, link: { line: number }, message: string, remediation: string, identity: string) =>
      findings.push(
        makeFinding({
          gate: 'docs-links',
          rule,
          severity: 'error',
          file,
          line: link.line,
          message,
          remediation,
          identity,
        }),
      )
    for (const ref of doc.undefinedReferences) {
      finding(
        'undefined-reference',
        ref,
        `reference [${ref.label}] has no definition`,
        `add a line "[${ref.label}]: <target>" to ${file}, or fix the label`,
        `ref:${ref.label}`,
      )
    }
    for (const link of doc.links) {
      const problem = checkLink(file, link, { fileSet, dirSet, isMarkdown, documentOf, siteRootOf })
      if (problem) finding(problem.rule, link, problem.message, problem.remediation, `${problem.rule}:${link.target}`)
    }
  }
  return { findings }
}

interface LinkContext {
  fileSet: ReadonlySet<string>
  dirSet: ReadonlySet<string>
  isMarkdown: (path: string) => boolean
  documentOf: (path: string) => MdDocument
  /** The static-site folder holding `file` (`''` for the repository root), if any. */
  siteRootOf?: (file: string) => string | undefined
}

interface LinkProblem {
  rule: string
  message: string
  remediation: string
}

/** What is wrong with one link, or undefined. */
export function checkLink(file: string, link: MdLink, ctx: LinkContext): LinkProblem | undefined {
  const target = link.target.trim()
  if (target === '') {
    return {
      rule: 'empty-link',
      message: 'link with an empty target',
      remediation: 'give the link a target or remove it',
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return checkExternal(target)
  const hash = target.indexOf('#')
  const pathPart = (hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, '')
  const anchor = hash === -1 ? undefined : target.slice(hash + 1)
  let decoded: string
  try {
    decoded = decodeURIComponent(pathPart)
  } catch {
    return {
      rule: 'broken-link',
      message: `link to ${target}: bad percent-encoding`,
      remediation: 'encode the path with %20 for spaces and valid %XX escapes',
    }
  }
  let resolved = file
  if (decoded !== '') {
    const site = ctx.siteRootOf?.(file)
    const candidates = decoded.startsWith('/')
      ? rootRelative(decoded.slice(1), site)
      : [posix.join(dirname(file), decoded)]
    const normalized = candidates.map((c) => {
      const n = posix.normalize(c).replace(/\/$/, '')
      return n === '.' ? '' : n
    })
    resolved = normalized[0] as string
    if (resolved.startsWith('../') || resolved === '..') {
      return {
        rule: 'outside-repo',
        message: `link to ${target} leaves the repository`,
        remediation: 'link inside the repository, or use an absolute https:// URL',
      }
    }
    const found = normalized
      .map((c) => (site === undefined ? existing(c, ctx) : existingPage(c, ctx)))
      .find((c) => c !== undefined)
    if (found === undefined) {
      const close = nearest(resolved, [...ctx.fileSet])
      const base = dirname(file) === '.' ? 'the repository root' : dirname(file)
      return {
        rule: 'broken-link',
        message: `link to ${target}: ${resolved} does not exist`,
        remediation: `fix the path (relative to ${site !== undefined && decoded.startsWith('/') ? `the site root ${site || '/'}` : base})${close ? `; did you mean ${close}?` : ''}, or add the file`,
      }
    }
    resolved = found
  }
  if (anchor === undefined || anchor === '' || !ctx.fileSet.has(resolved) || !ctx.isMarkdown(resolved)) return undefined
  let wanted: string
  try {
    wanted = decodeURIComponent(anchor)
  } catch {
    wanted = anchor
  }
  const anchors = ctx.documentOf(resolved).anchors
  if (anchors.has(wanted) || anchors.has(wanted.toLowerCase())) return undefined
  const lower = wanted.toLowerCase()
  const close = [...anchors].find((a) => a.includes(lower)) ?? nearest(lower, [...anchors])
  return {
    rule: 'broken-anchor',
    message: `link to ${target}: ${resolved} has no heading with anchor #${wanted}`,
    remediation: close
      ? `did you mean #${close}? anchors are GitHub heading slugs (lowercase, punctuation dropped, spaces to -)`
      : `add the heading to ${resolved} or fix the anchor (lowercase, punctuation dropped, spaces to -)`,
  }
}

/** Where `/path` points: the repository root, or for a site file the site root first. */
function rootRelative(path: string, site: string | undefined): string[] {
  if (site === undefined || site === '') return [path]
  const candidates = [posix.join(site, path)]
  // Docusaurus serves docs/ at /docs/: `/docs/intro` is docs/intro.md.
  const last = posix.basename(site)
  if (path === last || path.startsWith(`${last}/`)) candidates.push(posix.join(site, path.slice(last.length)))
  candidates.push(path)
  return candidates
}

function existing(path: string, ctx: LinkContext): string | undefined {
  return ctx.fileSet.has(path) || ctx.dirSet.has(path) ? path : undefined
}

/** A static site's page: the path itself, or the source it is built from. */
function existingPage(path: string, ctx: LinkContext): string | undefined {
  if (ctx.fileSet.has(path)) return path
  const stem = path.replace(/\.html?$/, '')
  const prefix = stem === '' ? '' : `${stem}/`
  for (const candidate of [
    ...PAGE_EXTENSIONS.map((ext) => `${stem}${ext}`),
    ...PAGE_EXTENSIONS.map((ext) => `${prefix}index${ext}`),
    `${prefix}README.md`,
  ]) {
    if (ctx.fileSet.has(candidate)) return candidate
  }
  return ctx.dirSet.has(path) ? path : undefined
}

/** Sources a site generator builds a page from. */
const PAGE_EXTENSIONS = ['.md', '.mdx', '.markdown', '.ipynb', '.rst']

/** Validates `site_root` (a folder or a list of folders of the repository), longest first. */
export function siteRoots(value: unknown, dirSet: ReadonlySet<string>): string[] {
  if (value === undefined) return []
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) {
    throw new UserError(
      'GATES_CONFIG',
      `gates.docs-links.site_root must be a folder path or a list of folder paths, got ${JSON.stringify(value)}`,
      'write e.g. "site_root": "docs" or "site_root": ["docs", "website/docs"] in configs/gates.json',
    )
  }
  const roots = list.map((r) => r.replace(/^\.\/?/, '').replace(/\/+$/, ''))
  for (const [i, r] of roots.entries()) {
    if (!dirSet.has(r)) {
      throw new UserError(
        'GATES_CONFIG',
        `gates.docs-links.site_root: ${list[i]} is not a folder of the repository`,
        'give the path of the site folder relative to the repository root (e.g. "docs"), or remove it',
      )
    }
  }
  return roots.sort((a, b) => b.length - a.length)
}

function checkExternal(target: string): LinkProblem | undefined {
  const url = target.startsWith('//') ? `https:${target}` : target
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase()
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return {
      rule: 'bad-url',
      message: `${target} is not a valid URL`,
      remediation: 'fix the URL syntax (scheme://host/path, spaces as %20)',
    }
  }
  if (
    (scheme === 'http' || scheme === 'https') &&
    !/^(?:localhost|[^.]+\.[^.]+.*|\[[0-9a-f:]+\])$/i.test(parsed.hostname)
  ) {
    return {
      rule: 'bad-url',
      message: `${target} has no valid host`,
      remediation: 'use a full host name such as https://example.org/path',
    }
  }
  if (scheme === 'mailto' && !parsed.pathname.includes('@')) {
    return { rule: 'bad-url', message: `${target} has no address`, remediation: 'write mailto:name@example.org' }
  }
  return undefined
}

export const docsLinksGate: Gate<'docs-links'> = {
  name: 'docs-links',
  description: 'relative links, images, anchors and references in Markdown resolve (offline)',
  ...docsLinksKey,
  scan: scanDocsLinks,
}

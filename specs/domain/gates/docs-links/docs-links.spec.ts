import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { docsLinksGate, scanDocsLinks } from '../../../../src/domain/gates/docs-links/docs-links.ts'
import { GATE_DEFAULTS } from '../../../../src/domain/gates/gates-config.ts'
import { PACKAGE_ROOT } from '../../../../src/domain/gates/repo-files.ts'
import { tempRepo } from '../_temp-repo.ts'

const ROOT = join(PACKAGE_ROOT, 'specs', 'fixtures', 'gates', 'docs')
const FILES = ['README.md', 'broken.md', 'docs/guide.md', 'docs/img/logo.txt', 'docs/with space.md']

describe('scanDocsLinks()', () => {
  test('finds nothing wrong in a file using every link form correctly', () => {
    const { findings } = scanDocsLinks(
      ROOT,
      FILES.filter((f) => f !== 'broken.md'),
      GATE_DEFAULTS['docs-links'],
    )
    expect(findings).toEqual([])
  })

  test('reports each broken link, anchor, reference and URL with file:line', () => {
    const { findings } = scanDocsLinks(ROOT, FILES, GATE_DEFAULTS['docs-links'])
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`).sort()).toEqual([
      'broken.md:3 broken-anchor link to docs/guide.md#instal: docs/guide.md has no heading with anchor #instal',
      'broken.md:3 broken-link link to docs/gide.md: docs/gide.md does not exist',
      'broken.md:4 broken-anchor link to #brokn-links: broken.md has no heading with anchor #brokn-links',
      'broken.md:4 undefined-reference reference [nowhere] has no definition',
      'broken.md:5 broken-link link to img/none.png: img/none.png does not exist',
      'broken.md:5 outside-repo link to ../../outside.md leaves the repository',
      'broken.md:6 bad-url https:// is not a valid URL',
      'broken.md:6 bad-url mailto: has no address',
    ])
  })

  test('remediations suggest the nearest file and anchor', () => {
    const { findings } = scanDocsLinks(ROOT, FILES, GATE_DEFAULTS['docs-links'])
    const byMessage = (part: string) => findings.find((f) => f.message.includes(part))?.remediation
    expect(byMessage('docs/gide.md')).toContain('did you mean docs/guide.md?')
    expect(byMessage('#instal')).toContain('did you mean #set-up--install?')
  })

  test('links count only when the target is in the scanned file list (an untracked target is broken)', () => {
    const { findings } = scanDocsLinks(
      ROOT,
      ['README.md', 'docs/img/logo.txt', 'docs/with space.md'],
      GATE_DEFAULTS['docs-links'],
    )
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['broken-link']))
    expect(findings.every((f) => f.message.includes('docs/guide.md'))).toBe(true)
  })
})

describe('scanDocsLinks() edge cases', () => {
  /** Findings as `file:line rule message | remediation` for a temp repo of Markdown files. */
  function scan(files: Record<string, string>, listed = Object.keys(files)) {
    const root = tempRepo(files)
    return scanDocsLinks(root, listed, GATE_DEFAULTS['docs-links']).findings.map(
      (f) => `${f.file}:${f.line} ${f.rule} ${f.message} | ${f.remediation}`,
    )
  }

  test('an empty target is reported with the fix', () => {
    expect(scan({ 'a.md': '[text]()\n' })).toEqual([
      'a.md:1 empty-link link with an empty target | give the link a target or remove it',
    ])
  })

  test('a leading / resolves from the repository root; . and ./ are the folder itself', () => {
    const files = {
      'docs/sub/a.md': '[x](/docs/b.md) [y](./) [z](.)\n',
      'docs/b.md': '# B\n',
      'c.md': '[w](.) [v](./)\n',
    }
    expect(scan(files)).toEqual([])
  })

  test('a missing file with no near name: the remediation names the folder links are relative to', () => {
    expect(scan({ 'a.md': '[x](qqqqqqqqqqqq.md)\n', 'd/b.md': '[y](wwwwwwwwwwww.md)\n' })).toEqual([
      'a.md:1 broken-link link to qqqqqqqqqqqq.md: qqqqqqqqqqqq.md does not exist | fix the path (relative to the repository root), or add the file',
      'd/b.md:1 broken-link link to wwwwwwwwwwww.md: d/wwwwwwwwwwww.md does not exist | fix the path (relative to d), or add the file',
    ])
  })

  test('an anchor with no near heading says to add the heading', () => {
    expect(scan({ 'a.md': '# Intro\n[x](#zzzzzzzzzz)\n' })).toEqual([
      'a.md:2 broken-anchor link to #zzzzzzzzzz: a.md has no heading with anchor #zzzzzzzzzz | add the heading to a.md or fix the anchor (lowercase, punctuation dropped, spaces to -)',
    ])
  })

  test('bad percent-encoding: in the path it is a broken link; in the anchor it is compared as written', () => {
    expect(scan({ 'a.md': '# Intro\n[x](b%zz.md) [y](#%E0%A4%A)\n' })).toEqual([
      'a.md:2 broken-link link to b%zz.md: bad percent-encoding | encode the path with %20 for spaces and valid %XX escapes',
      'a.md:2 broken-anchor link to #%E0%A4%A: a.md has no heading with anchor #%E0%A4%A | add the heading to a.md or fix the anchor (lowercase, punctuation dropped, spaces to -)',
    ])
  })

  test('protocol-relative and http URLs need a host with a dot (or localhost)', () => {
    const text = '[a](//example.org/x) [b](http://localhost:3000/) [c](https://intranet/x) [d](//nohost)\n'
    expect(scan({ 'a.md': text })).toEqual([
      'a.md:1 bad-url https://intranet/x has no valid host | use a full host name such as https://example.org/path',
      'a.md:1 bad-url //nohost has no valid host | use a full host name such as https://example.org/path',
    ])
  })

  test('a listed Markdown file that vanished reads as empty: anchors into it are broken', () => {
    expect(scan({ 'a.md': '[x](gone.md#part)\n' }, ['a.md', 'gone.md'])).toEqual([
      'a.md:1 broken-anchor link to gone.md#part: gone.md has no heading with anchor #part | add the heading to gone.md or fix the anchor (lowercase, punctuation dropped, spaces to -)',
    ])
  })
})

describe('scanDocsLinks() with site_root', () => {
  /** Findings as `file:line rule message` for a temp repo, with the given site roots. */
  function scan(files: Record<string, string>, site_root: string | string[]) {
    const root = tempRepo(files)
    return scanDocsLinks(root, Object.keys(files), { ...GATE_DEFAULTS['docs-links'], site_root }).findings.map(
      (f) => `${f.file}:${f.line} ${f.rule} ${f.message}`,
    )
  }

  const site = {
    'docs/index.md': '# Home\n[guide](guide) [api](/api/) [faq](/faq#install) [intro](/docs/intro) [x](/README.md)\n',
    'docs/guide.md': '# Guide\n[home](/) [back](index) [page](guide.html) [pkg](../package) [top](/README)\n',
    'docs/api/index.mdx': '# API\n',
    'docs/faq.md': '# FAQ\n## Install\n',
    'docs/intro.md': '# Intro\n',
    'README.md': '# Repo\n[docs](docs/guide.md) [bad](docs/guide)\n',
    'package/README.md': '# Package\n',
  }

  test('inside a site folder: /x is the site root, pages resolve without their extension, anchors are checked', () => {
    expect(scan(site, 'docs')).toEqual(['README.md:2 broken-link link to docs/guide: docs/guide does not exist'])
  })

  test('without site_root the same links are broken (GitHub renders them as plain files)', () => {
    const root = tempRepo(site)
    const findings = scanDocsLinks(root, Object.keys(site), GATE_DEFAULTS['docs-links']).findings
    expect(findings.filter((f) => f.file === 'docs/index.md').map((f) => f.message)).toEqual([
      'link to guide: docs/guide does not exist',
      'link to /api/: api does not exist',
      'link to /faq#install: faq does not exist',
      'link to /docs/intro: docs/intro does not exist',
    ])
  })

  test('a broken site link names the site root in its fix; anchors into extensionless pages are checked', () => {
    const files = { 'website/docs/a.md': '[x](/missing) [y](b#nope)\n', 'website/docs/b.md': '# B\n' }
    const root = tempRepo(files)
    const findings = scanDocsLinks(root, Object.keys(files), {
      ...GATE_DEFAULTS['docs-links'],
      site_root: ['website/docs'],
    }).findings
    expect(findings.map((f) => `${f.rule} ${f.message} | ${f.remediation}`)).toEqual([
      'broken-link link to /missing: website/docs/missing does not exist | fix the path (relative to the site root website/docs); did you mean website/docs/a.md?, or add the file',
      'broken-anchor link to b#nope: website/docs/b.md has no heading with anchor #nope | add the heading to website/docs/b.md or fix the anchor (lowercase, punctuation dropped, spaces to -)',
    ])
  })

  test('a site_root that is not a folder list, or not a folder of the repository, is a user error', () => {
    const root = tempRepo({ 'docs/a.md': '# A\n' })
    const run = (site_root: unknown) => () =>
      scanDocsLinks(root, ['docs/a.md'], { ...GATE_DEFAULTS['docs-links'], site_root: site_root as string })
    expect(run(7)).toThrow('gates.docs-links.site_root must be a folder path or a list of folder paths, got 7')
    expect(run(['site'])).toThrow('gates.docs-links.site_root: site is not a folder of the repository')
    expect(run('./docs/')).not.toThrow()
  })
})

describe('docsLinksGate', () => {
  test('is keyed on the Markdown files (any case of extension) and the file listing', () => {
    const files = ['README.md', 'a.ts', 'docs/B.MARKDOWN', 'img.png']
    expect(docsLinksGate.cacheInputs?.('/repo', files, GATE_DEFAULTS['docs-links'])).toEqual({
      contents: ['README.md', 'docs/B.MARKDOWN'],
      listing: true,
    })
  })
})

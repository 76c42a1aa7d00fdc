// Opens the rendered dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core
// with executablePath: no browser download), with JavaScript off, and saves a screenshot under
// reports/screenshots/. Skips, saying why, where no Chromium is installed.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { renderReport } from '../../../src/domain/report/render-report.ts'
import { type Fixture, fixtureLedger, seedManySessions } from './fixture-ledgers.ts'

const CHROMIUM_CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
]
const chromiumPath = CHROMIUM_CANDIDATES.find((p): p is string => !!p && existsSync(p))
const repoRoot = process.env.CODEX_REAL_ROOT ?? process.cwd()

let fixture: Fixture | undefined
afterEach(() => fixture?.cleanup())

describe('reports/latest/index.html in a browser', () => {
  test('shows every section and chart without JavaScript, no console errors, no network', {
    timeout: 90_000,
  }, async (ctx) => {
    if (!chromiumPath) {
      ctx.skip(
        'no Chromium found (looked for CHROMIUM_PATH, /usr/bin/chromium…): install it with `apt-get install -y chromium`',
      )
      return
    }
    fixture = fixtureLedger()
    seedManySessions(fixture.ledger)
    renderReport({ ledgerPath: fixture.ledgerPath, reportsDir: fixture.reportsDir, envSecrets: [] })
    const index = join(fixture.reportsDir, 'latest', 'index.html')

    const { chromium } = await import('playwright-core')
    // --no-sandbox: CI and this container run as root, where Chromium's sandbox refuses to start.
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] })
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })
      const page = await context.newPage()
      const problems: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
      })
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`)
      })
      await page.goto(pathToFileURL(index).href, { waitUntil: 'load' })

      expect(await page.title()).toBe('codex-gates · vitest s12 · failed')
      expect(await page.locator('h1').innerText()).toBe('codex-gates report failed')
      expect(await page.locator('.totals').innerText()).toBe('14 tests: 10 passed, 1 failed, 3 skipped, 0 todo')
      const headings = await page.locator('main section > h2').allInnerTexts()
      expect(headings).toEqual([
        'Verdict per project',
        'Verdict per gate',
        'Failing tests',
        'Findings',
        'Error-capture questions',
        'Outstanding questions',
        'Flaky tests',
        'Slowest tests',
        'Coverage',
        'Drift matrix',
        'Training runs',
        'System metrics',
        'Ungated commits',
        'Recent sessions',
      ])
      // Every nav link points at a section on the page.
      const targets = await page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
      for (const href of targets) expect(await page.locator(href as string).count()).toBe(1)
      // Charts are drawn: coverage trend, 2 backends × (loss, perplexity), one system metric.
      const charts = page.locator('svg.chart')
      expect(await charts.count()).toBe(6)
      for (let i = 0; i < 6; i++) {
        const box = await charts.nth(i).boundingBox()
        expect(box?.width).toBeGreaterThan(300)
        expect(box?.height).toBeGreaterThan(150)
      }
      expect(await page.locator('#coverage-trend polyline').count()).toBe(2)
      // A finding can be linked to, and the outstanding-questions rows carry their status.
      const anchor = await page.locator('#findings tbody tr').first().getAttribute('id')
      expect(anchor).toMatch(/^finding-placeholders-/)
      await page.goto(`${pathToFileURL(index).href}#${anchor}`)
      expect(await page.locator(`tr[id="${anchor}"]`).innerText()).toContain('FIX\u004dE: smoothing')
      expect(await page.locator('#outstanding_questions tbody tr').allInnerTexts()).toEqual([
        expect.stringMatching(/^Open\s+3bdd7d2bdba9\s+test "loads weights"/),
        expect.stringMatching(/^Resolved\s/),
        expect.stringMatching(/^Resolved\s/),
        expect.stringMatching(/^Resolved\s/),
      ])

      await page.goto(pathToFileURL(index).href)
      const shots = join(repoRoot, 'reports', 'screenshots')
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true })
      expect(existsSync(join(shots, 'dashboard.png'))).toBe(true)
      expect(problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})

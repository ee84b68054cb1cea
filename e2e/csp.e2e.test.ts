// The kernel's Content-Security-Policy in real Chromium: the studio build served by the kernel renders panels
// of every kind (charts, tables, images, markdown, forms…), syncs over its WebSocket and runs a tool on a click,
// and the browser reports no policy violation on the way.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium, spawnKernel, stopKernel } from './harness.ts'

const CASES = join(ROOT, 'packages/reactor/test/cases')
/** The counter (a tool to click) and every component example of docs/nxml.md. */
const PANELS = ['counter.nxml', ...readdirSync(CASES).filter((f) => f.startsWith('component-') && f.endsWith('.nxml'))]

declare global {
  interface Window {
    cspViolations?: string[]
  }
}

describe('panels under the Content-Security-Policy', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  let context: BrowserContext
  const problems: string[] = []

  beforeAll(async () => {
    ;({ url, process: kernel } = await spawnKernel(await freePort(), mkdtempSync(join(tmpdir(), 'nexus-e2e-csp-'))))
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
    // Every document of the context records violations from its first script on.
    await context.addInitScript(() => {
      window.cspViolations = []
      document.addEventListener('securitypolicyviolation', (e) => {
        window.cspViolations!.push(
          `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
        )
      })
    })
    // The browser context's request client shares its cookies: setting up the owner logs the pages in.
    const setup = await context.request.post(`${url}/api/auth/setup`, {
      data: { name: 'Olive Owner', email: 'olive@example.com', password: 'correct horse battery' },
    })
    expect(setup.status()).toBe(201)
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  async function open(path: string): Promise<Page> {
    const page = await context.newPage()
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    await page.goto(url + path)
    return page
  }

  async function violations(page: Page): Promise<string[]> {
    return page.evaluate(() => window.cspViolations ?? [])
  }

  it('serves the studio with the policy', async () => {
    const res = await context.request.get(url)
    const csp = res.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
  })

  it('renders every kind of panel, syncs and runs a tool with no violation', async () => {
    const panels: { id: string; title: string }[] = []
    for (const file of PANELS) {
      const nxml = readFileSync(join(CASES, file), 'utf8')
      const res = await context.request.post(`${url}/api/panels`, { data: { nxml } })
      expect(res.status(), file).toBe(201)
      panels.push({ id: ((await res.json()) as { id: string }).id, title: /title="([^"]*)"/.exec(nxml)![1]! })
    }

    const page = await open('/')
    await page.getByRole('region', { name: 'Canvas', exact: true }).waitFor()
    for (const [i, { id, title }] of panels.entries()) {
      await page.goto(`${url}/#/panels/${id}`)
      await page.getByText(title, { exact: true }).first().waitFor({ timeout: 20_000 })
      await page.locator('[data-nx]').first().waitFor({ timeout: 20_000 })
      await page.getByRole('status', { name: 'connection open' }).waitFor({ timeout: 20_000 })
      if (PANELS[i] === 'component-chart.nxml') {
        await page.locator('.recharts-surface').first().waitFor({ timeout: 20_000 })
        await page.screenshot({ path: join(RESULTS, 'csp-chart.png') })
      }
    }

    // The counter: a click runs its tool in the kernel and the change comes back over the WebSocket.
    await page.goto(`${url}/#/panels/${panels[0]!.id}`)
    await page.getByRole('button', { name: '+1' }).click()
    await page.waitForFunction(
      () => document.querySelector('[data-nx="Metric"] .nx-metric__value')?.textContent?.trim() === '1',
      undefined,
      { timeout: 20_000 },
    )
    await page.screenshot({ path: join(RESULTS, 'csp-counter.png') })

    // Not one report: the studio tells zod not to probe for `Function('')` (z.config({ jitless: true })).
    expect(await violations(page)).toEqual([])
    expect(problems).toEqual([])
  })
})

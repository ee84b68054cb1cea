import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium, spawnKernel, stopKernel } from './harness.ts'

// The studio checks what the kernel sends against @nexus/protocol: a malformed answer (rewritten here on
// its way to the browser) is an error the user sees, not a crash, a blank page or a silent drop.

const COUNTER = readFileSync(join(ROOT, 'packages/reactor/test/cases/counter.nxml'), 'utf8')
const OWNER = { name: 'Olive Owner', email: 'olive@example.com', password: 'correct horse battery' }

async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('heading', { name: 'Log in to Nexus' }).waitFor()
  await page.getByLabel('E-mail').fill(OWNER.email)
  await page.getByLabel('Password').fill(OWNER.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'Panels' }).waitFor()
}

describe('the studio and a kernel answer it cannot read', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  let panelId: string

  beforeAll(async () => {
    ;({ url, process: kernel } = await spawnKernel(await freePort(), mkdtempSync(join(tmpdir(), 'nexus-e2e-'))))
    const setup = await fetch(`${url}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(OWNER),
    })
    const { accessToken } = (await setup.json()) as { accessToken: string }
    const created = await fetch(`${url}/api/panels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ nxml: COUNTER }),
    })
    panelId = ((await created.json()) as { id: string }).id
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('shows an error naming the field when the panel list does not match its schema', async () => {
    const page = await browser.newPage()
    const consoleErrors: string[] = []
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`))
    // The real answer, with every title turned into a number on its way to the page.
    await page.route(
      (u) => u.pathname === '/api/panels',
      async (route) => {
        const response = await route.fetch()
        const body = (await response.json()) as { panels: Record<string, unknown>[] }
        await route.fulfill({ response, json: { panels: body.panels.map((p) => ({ ...p, title: 42 })) } })
      },
    )
    await logIn(page, url)
    const error = page.locator('p.error', { hasText: 'Could not load panels' })
    await error.waitFor()
    expect(await error.textContent()).toMatch(
      /^Could not load panels: The kernel's answer to \/api\/panels\?workspaceId=\S+ was not what this studio expects \(at panels\.0\.title: .*expected string.*\)/,
    )
    // The dock lists panels from the live channel (checked on its own); nothing on the page used the bad list.
    expect(await page.getByRole('main').getByRole('link', { name: 'Counter' }).count()).toBe(0)
    await page.screenshot({ path: join(RESULTS, 'malformed-http-answer.png') })
    expect(consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([])
    expect(consoleErrors.some((e) => e.includes('[api]') && e.includes('/api/panels'))).toBe(true)
  })

  it('says why after logging in when the session answer does not match its schema, instead of a blank page', async () => {
    const page = await browser.newPage()
    const uncaught: string[] = []
    page.on('pageerror', (e) => uncaught.push(e.message))
    await page.route(
      (u) => u.pathname === '/api/me',
      async (route) => {
        const response = await route.fetch()
        if (!response.ok()) return route.fulfill({ response })
        await route.fulfill({ response, json: { ...((await response.json()) as object), workspaces: 'none' } })
      },
    )
    await page.goto(url)
    await page.getByRole('heading', { name: 'Log in to Nexus' }).waitFor()
    await page.getByLabel('E-mail').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    const notice = page.getByRole('alert').filter({ hasText: '/api/me' })
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(
      /^The kernel's answer to \/api\/me was not what this studio expects \(at workspaces: .*expected array.*\)/,
    )
    await page.screenshot({ path: join(RESULTS, 'malformed-session-answer.png') })
    expect(uncaught).toEqual([])
  })

  it('shows a connection notice when a WebSocket message does not match its schema', async () => {
    const page = await browser.newPage()
    const consoleErrors: string[] = []
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`))
    // The kernel's frames pass through, except panel snapshots, whose version arrives as a word.
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer()
      server.onMessage((message) => {
        const frame = JSON.parse(String(message)) as { type?: string; channel?: string }
        const malformed = frame.type === 'snapshot' && frame.channel?.startsWith('panel:')
        ws.send(malformed ? JSON.stringify({ ...frame, version: 'seven' }) : String(message))
      })
    })
    await logIn(page, url)
    await page.getByRole('link', { name: 'Counter' }).click()
    await page.waitForURL(new RegExp(`#/panels/${panelId}`))
    const notice = page.getByRole('alert').filter({ hasText: 'cannot read' })
    await notice.waitFor({ timeout: 20_000 })
    expect(await notice.textContent()).toMatch(
      /^The kernel sent a message this studio cannot read \(at version: .*expected number.*\); live updates may be stale — reload the page$/,
    )
    await page.screenshot({ path: join(RESULTS, 'malformed-ws-message.png') })
    expect(consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([])
    expect(consoleErrors.some((e) => e.includes('[sync]'))).toBe(true)
  })
})

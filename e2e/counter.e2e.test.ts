import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium, setEditorText, spawnKernel, stopKernel } from './harness.ts'

const COUNTER = readFileSync(join(ROOT, 'packages/reactor/test/cases/counter.nxml'), 'utf8')

/** The text of the counter's Metric value, as a person reads it. */
async function metricValue(page: Page): Promise<string> {
  return (await page.locator('[data-nx="Metric"] .nx-metric__value').first().textContent())?.trim() ?? ''
}

async function waitForMetric(page: Page, value: string): Promise<void> {
  await page.waitForFunction(
    (v) => document.querySelector('[data-nx="Metric"] .nx-metric__value')?.textContent?.trim() === v,
    value,
    { timeout: 20_000 },
  )
}

const OWNER = { name: 'Olive Owner', email: 'olive@example.com', password: 'correct horse battery' }

async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('heading', { name: 'Log in to Nexus' }).waitFor()
  await page.getByLabel('E-mail').fill(OWNER.email)
  await page.getByLabel('Password').fill(OWNER.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('region', { name: 'Canvas', exact: true }).waitFor()
}

describe('the counter panel, live in two browsers', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  let port: number
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-'))

  beforeAll(async () => {
    port = await freePort()
    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('creates the counter in the UI, syncs clicks to a second page, and survives a kernel restart', async () => {
    const a = await browser.newPage()
    const b = await browser.newPage()
    const consoleErrors: string[] = []
    for (const page of [a, b]) page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))

    // First run: the studio asks for the owner account.
    await a.goto(url)
    await a.getByRole('heading', { name: 'Set up Nexus' }).waitFor()
    await a.screenshot({ path: join(RESULTS, 'setup.png') })
    await a.getByLabel('Name').fill(OWNER.name)
    await a.getByLabel('E-mail').fill(OWNER.email)
    await a.getByLabel('Password').fill(OWNER.password)
    await a.getByRole('button', { name: 'Create owner account' }).click()
    await a.getByText('No panels yet').waitFor()
    await a.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'New panel' }).click()
    await setEditorText(a, COUNTER)
    const create = a.getByRole('button', { name: 'Create panel' })
    await a.waitForFunction(() => !document.querySelector<HTMLButtonElement>('button.primary')?.disabled)
    await create.click()
    await a.getByRole('button', { name: 'Open Counter' }).click()
    await a.waitForURL(/#\/panels\//)
    await waitForMetric(a, '0')
    const panelUrl = a.url()

    await logIn(b, url)
    await b.getByRole('button', { name: 'Open Counter' }).click()
    await waitForMetric(b, '0')
    expect(b.url()).toBe(panelUrl)

    const plusOne = a.getByRole('button', { name: '+1' })
    for (let i = 1; i <= 3; i++) {
      await plusOne.click()
      await waitForMetric(a, String(i))
    }
    await waitForMetric(b, '3')
    expect(await b.getByText('Double: 6').count()).toBe(1)
    // TriLog's history beside the panel: the three runs on the timeline, and the panel as it was at one.
    await a.waitForFunction(() => document.querySelectorAll('.tt-marker[data-kind="change"]').length >= 3, undefined, {
      timeout: 20_000,
    })
    // Each moment reads as a time of day (it once showed the milliseconds alone: "487").
    expect(await a.locator('.tt-ticks time').first().textContent()).toMatch(/^\d{2}:\d{2}:\d{2}$/)
    await a.getByRole('slider', { name: 'Timeline' }).focus()
    await a.keyboard.press('End')
    await a.keyboard.press('ArrowLeft')
    await a.keyboard.press('ArrowLeft') // the second newest: after the second click
    await a.waitForFunction(
      () => document.querySelector('.tt-past [data-nx="Metric"] .nx-metric__value')?.textContent?.trim() === '2',
    )
    await a.screenshot({ path: join(RESULTS, 'counter-history.png') })
    await a.keyboard.press('End') // back to live: the past rendering goes
    await a.locator('.tt-past').waitFor({ state: 'detached' })
    await a.screenshot({ path: join(RESULTS, 'counter-page-a.png') })
    await b.screenshot({ path: join(RESULTS, 'counter-page-b.png') })

    // Restart the kernel on the same port and data dir: both pages reconnect and still show 3.
    await stopKernel(kernel)
    await a.getByRole('status', { name: /connection (closed|connecting)/ }).waitFor({ timeout: 20_000 })
    ;({ process: kernel } = await spawnKernel(port, dataDir))
    for (const page of [a, b]) {
      await page.getByRole('status', { name: 'connection open' }).waitFor({ timeout: 30_000 })
      await waitForMetric(page, '3')
    }
    await b.reload()
    await waitForMetric(b, '3')
    await plusOne.click()
    await waitForMetric(b, '4')
    expect(await metricValue(a)).toBe('4')
    await a.screenshot({ path: join(RESULTS, 'counter-page-a-after-restart.png') })
    await b.screenshot({ path: join(RESULTS, 'counter-page-b-after-restart.png') })
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([])
  })

  it('shows diagnostics with line and column for broken NXML and creates nothing', async () => {
    const page = await browser.newPage()
    await logIn(page, url)
    await page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'New panel' }).click()
    await setEditorText(
      page,
      '<NexusPanel title="Broken" version="1">\n  <Data>\n    <State name="1bad" type="number" />\n  </Data>\n  <View />\n</NexusPanel>',
    )
    const diagnostic = page.locator('.diagnostic.error').first()
    await diagnostic.waitFor()
    expect(await diagnostic.locator('.where').textContent()).toMatch(/^3:\d+$/)
    expect(await page.getByRole('button', { name: 'Create panel' }).isDisabled()).toBe(true)
    await page.screenshot({ path: join(RESULTS, 'new-panel-diagnostics.png') })
  })

  it('lets the owner invite a member, change their role, and create an API key that works', async () => {
    const colleague = { name: 'Cole League', email: 'cole@example.com', password: 'another long password' }
    const registered = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(colleague),
    })
    expect(registered.status).toBe(201)

    const page = await browser.newPage()
    await logIn(page, url)
    await page.getByRole('navigation', { name: 'Dock' }).getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('E-mail to invite').fill(colleague.email)
    await page.getByLabel('Role for the invitation').selectOption('viewer')
    await page.getByRole('button', { name: 'Invite' }).click()
    const role = page.getByLabel(`Role of ${colleague.email}`)
    await role.waitFor()
    expect(await role.inputValue()).toBe('viewer')
    await role.selectOption('editor')
    await page.waitForFunction(async (email) => {
      const res = await fetch(`/api/me`)
      const me = (await res.json()) as { workspaces: { id: string }[] }
      const members = await (await fetch(`/api/workspaces/${me.workspaces[0]!.id}/members`)).json()
      return (members as { members: { email: string; role: string }[] }).members.some(
        (m) => m.email === email && m.role === 'editor',
      )
    }, colleague.email)

    // An e-mail with no account yet: the same answer, shown as a pending invitation the owner can withdraw.
    await page.getByLabel('E-mail to invite').fill('newcomer@example.com')
    await page.getByRole('button', { name: 'Invite' }).click()
    const pending = page.getByRole('list', { name: 'Pending invitations' })
    await pending.getByText('newcomer@example.com').waitFor()

    await page.getByLabel('Key name').fill('deploy script')
    await page.getByRole('button', { name: 'Create key' }).click()
    const key = (await page.locator('.fresh-key code').textContent()) ?? ''
    expect(key).toMatch(/^nxk_[0-9a-f]{12}_/)
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${key}` } })
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(OWNER.email)
    await page.screenshot({ path: join(RESULTS, 'workspace-members-keys.png'), fullPage: true })
  })
})

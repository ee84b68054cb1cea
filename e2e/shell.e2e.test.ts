import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, focusedName, freePort, launchChromium, eventually, spawnKernel, stopKernel } from './harness.ts'

const OWNER = { name: 'Sam Shell', email: 'sam@example.com', password: 'correct horse battery' }

const NOTES = `<NexusPanel title="Notes" version="1.0.0">
  <Data>
    <State name="draft" type="string" default="" />
    <State name="saves" type="number" default="0" />
  </Data>
  <Logic>
    <Tool name="save">
      <Capabilities>
        <Capability type="state:write" scope="saves" />
        <Capability type="events:emit" scope="toast" />
      </Capabilities>
      <Handler>$state.saves += 1
$emit('toast', { message: 'Saved note #' + $state.saves, tone: 'success' })</Handler>
    </Tool>
  </Logic>
  <View>
    <Input id="draft" label="Draft" bind="draft" />
    <Text content="Saved: {$state.draft}" />
    <Button label="Save" trigger="save" />
  </View>
</NexusPanel>`

const KANBAN = `<NexusPanel title="Roadmap" version="1.0.0">
  <Data><State name="n" type="number" default="0" /></Data>
  <View><Metric label="Items" value="{$state.n}" /></View>
</NexusPanel>`

/** The workspace home: the canvas once it is there, the new-panel page before. */
function home(page: Page) {
  return page.getByRole('region', { name: 'Canvas' }).or(page.locator('.workspace-home')).first()
}

describe('the studio shell', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  let port: number
  let token: string
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-shell-'))

  async function api(path: string, init: RequestInit = {}): Promise<unknown> {
    const res = await fetch(`${url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    })
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
    return res.status === 204 ? null : res.json()
  }

  async function logIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage()
    await page.goto(url)
    await page.getByRole('heading', { name: 'Log in to Nexus' }).waitFor()
    await page.getByLabel('E-mail').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('status', { name: /^connection open/ }).waitFor({ timeout: 20_000 })
    return page
  }

  beforeAll(async () => {
    port = await freePort()
    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('first run: the owner account lands on the workspace home, in the system theme', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(url)
    await page.getByRole('heading', { name: 'Set up Nexus' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.getByRole('button', { name: 'Theme: System (dark). Switch to Light' }).waitFor()
    await page.screenshot({ path: join(RESULTS, 'shell-setup-dark.png') })
    await page.getByLabel('Name').fill(OWNER.name)
    await page.getByLabel('E-mail').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Create owner account' }).click()
    await home(page).waitFor()
    await page.getByRole('status', { name: /^connection open: Live/ }).waitFor({ timeout: 20_000 })
    const dock = page.getByRole('navigation', { name: 'Dock' })
    await dock.getByText('Nothing here yet.').waitFor()
    expect(await dock.getByRole('link').allTextContents()).toEqual(['Canvas', 'Graph', 'Settings'])
    expect(await dock.locator('[aria-disabled="true"]').allTextContents()).toEqual([
      'Assistant',
      'Marketplace',
      'Versions',
    ])
    await page.screenshot({ path: join(RESULTS, 'shell-home-empty-dark.png') })

    // The top bar's theme toggle: system → light, remembered across a reload.
    await page.getByRole('button', { name: /^Theme: System/ }).click()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    await page.reload()
    await home(page).waitFor()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    await page.screenshot({ path: join(RESULTS, 'shell-home-empty-light.png') })

    // A panel made elsewhere (the API, as a script would) shows up in the dock live, without a reload.
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
    })
    token = ((await login.json()) as { accessToken: string }).accessToken
    await api('/api/panels', { method: 'POST', body: JSON.stringify({ nxml: NOTES }) })
    await api('/api/panels', { method: 'POST', body: JSON.stringify({ nxml: KANBAN }) })
    await dock.getByRole('link', { name: /Notes/ }).waitFor()
    await dock.getByRole('link', { name: /Roadmap/ }).waitFor()
    await context.close()
  })

  it('navigates by palette alone: open a panel, go to settings, switch theme, back to the canvas', async () => {
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    const page = await logIn(context)
    const palette = page.getByRole('dialog', { name: 'Command palette' })
    const search = palette.getByRole('combobox', { name: 'Search panels and commands' })

    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    expect(await focusedName(page)).toBe('Search panels and commands')
    await page.keyboard.type('nts')
    // The best match first, its matched letters highlighted.
    const first = palette.getByRole('option').first()
    expect(await first.locator('.palette-title').textContent()).toBe('Notes')
    expect(await first.locator('mark').allTextContents()).toEqual(['N', 't', 's'])
    await page.screenshot({ path: join(RESULTS, 'shell-palette-light.png') })
    await page.keyboard.press('Enter')
    await palette.waitFor({ state: 'detached' })
    await page.waitForURL(/#\/panels\//)
    await page
      .getByRole('region', { name: 'Notes' })
      .or(page.getByRole('article', { name: 'Notes' }))
      .first()
      .waitFor()

    // Focus stays inside the palette on Tab; arrows move the active option.
    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    await page.keyboard.type('go to')
    const titles = await palette.locator('.palette-title').allTextContents()
    expect(titles.slice(0, 3).sort()).toEqual(['Go to canvas', 'Go to graph', 'Go to settings'])
    await page.keyboard.press('ArrowDown')
    const selected = palette.getByRole('option', { selected: true }).locator('.palette-title')
    expect(await selected.textContent()).toBe(titles[1])
    await page.keyboard.type(' set')
    expect(await selected.textContent()).toBe('Go to settings')
    for (let i = 0; i < 6; i++) await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.closest('dialog')?.getAttribute('aria-label'))).toBe(
      'Command palette',
    )
    await search.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
    expect(page.url()).toMatch(/#\/settings$/)
    await page.getByRole('heading', { name: 'Members' }).waitFor()
    await page.getByRole('heading', { name: 'API keys' }).waitFor()

    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    await page.keyboard.type('dark')
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await page.screenshot({ path: join(RESULTS, 'shell-settings-dark.png') })
    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    await page.keyboard.type('canvas')
    await page.screenshot({ path: join(RESULTS, 'shell-palette-dark.png') })
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/$/)
    await home(page).waitFor()

    // Esc closes the palette and focus goes back where it was.
    await page.getByRole('combobox', { name: 'Workspace' }).focus()
    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    await page.keyboard.press('Escape')
    await palette.waitFor({ state: 'detached' })
    expect(await focusedName(page)).toBe('Workspace')
    await context.close()
  })

  it('opens and closes the shortcuts sheet by keyboard, and not while typing', async () => {
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    const page = await logIn(context)
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    // What Tab reaches shows the focus ring; "Skip to content" comes into view when focused.
    await page.keyboard.press('Tab')
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!)
      return { body: document.activeElement === document.body, style: style.outlineStyle, width: style.outlineWidth }
    })
    expect(ring).toEqual({ body: false, style: 'solid', width: '2px' })
    const skip = page.getByRole('link', { name: 'Skip to content' })
    await skip.focus()
    expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0)
    await page.getByRole('link', { name: 'Settings' }).focus()
    await page.keyboard.press('?')
    await sheet.waitFor()
    expect(await sheet.getByRole('row').count()).toBeGreaterThan(5)
    await page.screenshot({ path: join(RESULTS, 'shell-shortcuts-light.png') })
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })
    expect(await focusedName(page)).toBe('Settings')

    await page.keyboard.press('ControlOrMeta+/')
    await sheet.waitFor()
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })

    // G then S goes to settings; in a text field "?" is a character, not a shortcut.
    await page.keyboard.press('g')
    await page.keyboard.press('s')
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
    const field = page.getByLabel('E-mail to invite')
    await field.focus()
    await page.keyboard.type('who?')
    expect(await field.inputValue()).toBe('who?')
    expect(await sheet.count()).toBe(0)

    // N: a new panel — home, where the NXML editor opens (the canvas's dialog); typing there ("?", "g c", "n")
    // stays text.
    await page.getByRole('heading', { name: 'Settings', level: 1 }).click()
    await page.keyboard.press('n')
    await page.waitForURL(/#\/$/)
    const editor = page.getByRole('textbox', { name: 'NXML editor' })
    await editor.waitFor({ timeout: 20_000 })
    await editor.focus()
    await page.keyboard.type('?gcn')
    expect(
      await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label')),
    ).toBe('NXML editor')
    expect(await sheet.count()).toBe(0)
    expect(page.url()).toMatch(/#\/$/)
    expect(await editor.textContent()).toContain('?gcn')
    await context.close()
  })

  it('shows a panel’s $emit("toast") as a toast', async () => {
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    const page = await logIn(context)
    await page.getByRole('navigation', { name: 'Dock' }).getByRole('link', { name: /Notes/ }).click()
    await page.getByRole('button', { name: 'Save' }).click()
    const toasts = page.getByRole('status', { name: 'Notifications' })
    await toasts.getByText(/^Saved note #\d+$/).waitFor()
    await page.screenshot({ path: join(RESULTS, 'shell-toast-light.png') })
    await toasts.getByRole('button', { name: 'Dismiss notification' }).first().click()
    await toasts.getByText(/^Saved note/).waitFor({ state: 'detached' })
    await context.close()
  })

  it('recovers from a kernel restart without a reload, keeping what was typed meanwhile', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } })
    const page = await logIn(context)
    await page.getByRole('navigation', { name: 'Dock' }).getByRole('link', { name: /Notes/ }).click()
    const draft = page.getByLabel('Draft')
    await draft.waitFor()
    const panelId = /#\/panels\/([\w-]+)/.exec(page.url())![1]!
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))

    await stopKernel(kernel)
    await page.getByRole('status', { name: /^connection closed: (Reconnecting|Offline)/ }).waitFor({ timeout: 20_000 })
    await draft.fill('written while the kernel was away')
    await page.getByRole('status', { name: /attempt [2-9]/ }).waitFor({ timeout: 30_000 })
    await page.screenshot({ path: join(RESULTS, 'shell-reconnecting-dark.png') })
    ;({ process: kernel } = await spawnKernel(port, dataDir))
    await page.getByRole('status', { name: /^connection open: Live/ }).waitFor({ timeout: 30_000 })
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    expect(await draft.inputValue()).toBe('written while the kernel was away')
    // The queued write reached the kernel once it was back.
    await eventually(async () => {
      const panel = (await api(`/api/panels/${panelId}`)) as { state: { draft: string } }
      return panel.state.draft === 'written while the kernel was away'
    })
    await page.getByText('Saved: written while the kernel was away').waitFor()
    // The time travel beside it, which could not read the history while the kernel was away, reads it again.
    await page.getByRole('slider', { name: 'Timeline' }).waitFor({ timeout: 30_000 })
    await page.screenshot({ path: join(RESULTS, 'shell-reconnected-dark.png') })
    await context.close()
  })

  it('makes a new workspace from the palette, switches to it and back', async () => {
    const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 800 } })
    const page = await logIn(context)
    const dock = page.getByRole('navigation', { name: 'Dock' })
    await dock.getByRole('link', { name: /Notes/ }).waitFor()
    const search = page.getByRole('dialog', { name: 'Command palette' }).getByRole('combobox')
    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    await page.keyboard.type('new work')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'New workspace' })
    await dialog.waitFor()
    expect(await focusedName(page)).toBe('Name')
    await page.keyboard.type('Side project')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('status', { name: 'Notifications' }).getByText('Workspace “Side project” created').waitFor()
    const switcher = page.getByRole('combobox', { name: 'Workspace' })
    await page.waitForFunction(() => {
      const select = document.querySelector<HTMLSelectElement>('select[aria-label="Workspace"]')
      return select?.selectedOptions[0]?.textContent === 'Side project'
    })
    await home(page).waitFor()
    await dock.getByText('Nothing here yet.').waitFor()
    await page.screenshot({ path: join(RESULTS, 'shell-new-workspace-light.png') })

    await page.keyboard.press('ControlOrMeta+K')
    await search.waitFor()
    await page.keyboard.type('switch')
    await page.keyboard.press('Enter')
    await dock.getByRole('link', { name: /Notes/ }).waitFor()
    expect(await switcher.locator('option:checked').textContent()).toBe(`${OWNER.name}'s workspace`)
    await context.close()
  })
})

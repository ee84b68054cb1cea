// The studio's canvas in real Chromium against a real kernel: cards of live panels made in the New panel
// dialog, moved and resized with the mouse and kept across a reload, live between two browser contexts,
// delete with undo, duplicate, marquee, modes, and 50 live panels with zoom to fit and the minimap.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium, setEditorText, spawnKernel, stopKernel } from './harness.ts'

const COUNTER = readFileSync(join(ROOT, 'packages/reactor/test/cases/counter.nxml'), 'utf8')
const titled = (title: string) => COUNTER.replace('title="Counter"', `title="${title}"`)
const OWNER = { name: 'Carla Canvas', email: 'carla@example.com', password: 'correct horse battery' }
const CELL = 80
const VIEW = { width: 1400, height: 900 }

interface Layout {
  x: number
  y: number
  w: number
  h: number
}

const canvas = (page: Page) => page.getByRole('region', { name: 'Canvas', exact: true })
/** The card region (the panel's own view inside it carries the same name, and comes after it). */
const card = (page: Page, title: string) => canvas(page).getByRole('region', { name: title, exact: true }).first()
const metric = (c: Locator) => c.locator('[data-nx="Metric"] .nx-metric__value')

async function waitForMetric(c: Locator, value: string): Promise<void> {
  await metric(c)
    .filter({ hasText: new RegExp(`^\\s*${value}\\s*$`) })
    .waitFor({ timeout: 20_000 })
}

async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('heading', { name: 'Log in to Nexus' }).waitFor()
  await page.getByLabel('E-mail').fill(OWNER.email)
  await page.getByLabel('Password').fill(OWNER.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await canvas(page).waitFor()
}

async function panelIds(page: Page): Promise<Record<string, string>> {
  const res = await page.request.get('/api/panels')
  const { panels } = (await res.json()) as { panels: { id: string; title: string }[] }
  return Object.fromEntries(panels.map((p) => [p.title, p.id]))
}

async function layoutOf(page: Page, id: string): Promise<Layout> {
  const res = await page.request.get(`/api/panels/${id}`)
  return ((await res.json()) as { layout: Layout }).layout
}

/** Polls the kernel until the saved layout is `expected` (saves are asynchronous to the drop). */
async function waitForLayout(page: Page, id: string, expected: Layout): Promise<void> {
  for (;;) {
    const layout = await layoutOf(page, id)
    if (JSON.stringify(layout) === JSON.stringify(expected)) return
    await page.waitForTimeout(100)
  }
}

/** The card's top-left corner in canvas units, from its transform. */
async function cardOrigin(c: Locator): Promise<{ x: number; y: number }> {
  const transform = await c.evaluate((el) => (el as HTMLElement).style.transform)
  const match = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(transform)
  if (!match) throw new Error(`no translate in "${transform}"`)
  return { x: Number(match[1]), y: Number(match[2]) }
}

/** The canvas's zoom, from its layer's transform. */
async function zoomOf(page: Page): Promise<number> {
  const transform = await canvas(page)
    .locator('.canvas__layer')
    .evaluate((el) => (el as HTMLElement).style.transform)
  return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 'NaN')
}

/** Drags from the middle of `from` by (dx, dy) screen pixels, in steps, as a person would. */
async function drag(
  page: Page,
  from: Locator,
  dx: number,
  dy: number,
  /** Runs at the end of the drag, before the button is released. */
  held?: () => Promise<void>,
): Promise<void> {
  const box = (await from.boundingBox())!
  const x = box.x + box.width / 2
  const y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 5 })
  await page.mouse.move(x + dx, y + dy, { steps: 5 })
  await held?.()
  await page.mouse.up()
}

describe('the canvas', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-canvas-'))
  const problems: string[] = []
  const watch = (page: Page) => {
    page.on('pageerror', (e) => problems.push(e.message))
    page.on('console', (m) => {
      // A 401 before logging in is the browser's own resource line, not the studio's.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text())
    })
  }

  beforeAll(async () => {
    ;({ url, process: kernel } = await spawnKernel(await freePort(), dataDir))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('creates three panels in the New panel dialog; each card is live and a click changes only its own state', async () => {
    const page = await browser.newPage({ viewport: VIEW, baseURL: url })
    watch(page)
    await page.goto(url)
    await page.getByRole('heading', { name: 'Set up Nexus' }).waitFor()
    await page.getByLabel('Name').fill(OWNER.name)
    await page.getByLabel('E-mail').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Create owner account' }).click()
    await page.getByText('No panels yet').waitFor()

    for (const title of ['Alpha', 'Beta', 'Gamma']) {
      await page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'New panel' }).click()
      const dialog = page.getByRole('dialog', { name: 'New panel' })
      await dialog.waitFor()
      // The editor has the focus once its chunk is in (it lives in a shadow root: the host is the active element).
      await page.waitForFunction(() => document.activeElement?.classList.contains('nxml-editor'))
      await setEditorText(page, titled(title))
      if (title === 'Alpha') await page.screenshot({ path: join(RESULTS, 'canvas-new-panel-dialog.png') })
      await dialog.locator('.diagnostic').first().waitFor({ state: 'detached', timeout: 10_000 })
      await dialog.getByRole('button', { name: 'Create panel' }).click()
      await dialog.waitFor({ state: 'hidden' })
      await metric(card(page, title)).waitFor({ timeout: 20_000 })
    }
    expect(await canvas(page).locator('[data-card-id]').count()).toBe(3)
    // Each new card went to its own free spot.
    const boxes = await Promise.all(['Alpha', 'Beta', 'Gamma'].map(async (t) => (await card(page, t).boundingBox())!))
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!]
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(
          true,
        )
      }

    await card(page, 'Beta').getByRole('button', { name: '+1' }).click()
    await card(page, 'Beta').getByRole('button', { name: '+1' }).click()
    await waitForMetric(card(page, 'Beta'), '2')
    await card(page, 'Beta').getByText('Double: 4').waitFor()
    expect((await metric(card(page, 'Alpha')).textContent())?.trim()).toBe('0')
    expect((await metric(card(page, 'Gamma')).textContent())?.trim()).toBe('0')
    expect(await card(page, 'Beta').getByTestId('card-version').textContent()).toBe('v2')
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'canvas-three-live.png') })
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'))
    await page.screenshot({ path: join(RESULTS, 'canvas-three-live-dark.png') })
    await page.close()
  })

  it('moves a card by its title bar, resizes one by its corner, nudges with the arrows; a reload keeps all three', async () => {
    const page = await browser.newPage({ viewport: VIEW, baseURL: url })
    watch(page)
    await logIn(page, url)
    const ids = await panelIds(page)
    const alpha = await layoutOf(page, ids.Alpha!)
    const gamma = await layoutOf(page, ids.Gamma!)
    const beta = await layoutOf(page, ids.Beta!)
    expect(await canvas(page).getByRole('button', { name: 'Reset zoom' }).textContent()).toBe('100%')

    // Two cells right and two down (and a bit: it snaps to the nearest cell).
    await drag(
      page,
      card(page, 'Alpha').locator('.canvas-card__bar .canvas-card__version'),
      2 * CELL + 20,
      5 * CELL - 15,
      async () => {
        // Mid-drag: the card follows the pointer and a dashed outline shows the cell it will snap to.
        const ghost = canvas(page).locator('.canvas__ghost')
        await ghost.waitFor()
        await expect.poll(() => cardOrigin(ghost)).toEqual({ x: (alpha.x + 2) * CELL, y: (alpha.y + 5) * CELL })
        await expect
          .poll(() => cardOrigin(card(page, 'Alpha')))
          .toEqual({ x: alpha.x * CELL + 2 * CELL + 20, y: alpha.y * CELL + 5 * CELL - 15 })
        await page.screenshot({ path: join(RESULTS, 'canvas-dragging.png') })
      },
    )
    const movedAlpha = { ...alpha, x: alpha.x + 2, y: alpha.y + 5 }
    await waitForLayout(page, ids.Alpha!, movedAlpha)
    // Gamma one cell wider and two taller.
    await drag(page, card(page, 'Gamma').locator('.canvas-card__resize'), CELL, 2 * CELL + 10)
    const resizedGamma = { ...gamma, w: gamma.w + 1, h: gamma.h + 2 }
    await waitForLayout(page, ids.Gamma!, resizedGamma)
    // Beta: focus it (Tab order) and nudge one cell down with the keyboard.
    await card(page, 'Beta').focus()
    await page.keyboard.press('ArrowDown')
    const nudgedBeta = { ...beta, y: beta.y + 1 }
    await waitForLayout(page, ids.Beta!, nudgedBeta)

    const before = {
      alpha: await cardOrigin(card(page, 'Alpha')),
      gammaSize: (await card(page, 'Gamma').boundingBox())!,
    }
    expect(before.alpha).toEqual({ x: movedAlpha.x * CELL, y: movedAlpha.y * CELL })
    await page.reload()
    await metric(card(page, 'Alpha')).waitFor({ timeout: 20_000 })
    expect(await cardOrigin(card(page, 'Alpha'))).toEqual(before.alpha)
    expect(await cardOrigin(card(page, 'Beta'))).toEqual({ x: nudgedBeta.x * CELL, y: nudgedBeta.y * CELL })
    const gammaAfter = (await card(page, 'Gamma').boundingBox())!
    expect([gammaAfter.width, gammaAfter.height]).toEqual([resizedGamma.w * CELL, resizedGamma.h * CELL])
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'canvas-moved-after-reload.png') })
    await page.close()
  })

  it('two browser contexts on one workspace: a move in one arrives in the other, and so does a click', async () => {
    const a = await browser.newPage({ viewport: VIEW, baseURL: url })
    const b = await browser.newPage({ viewport: VIEW, baseURL: url })
    watch(a)
    watch(b)
    await logIn(a, url)
    await logIn(b, url)
    const ids = await panelIds(a)
    await metric(card(b, 'Gamma')).waitFor({ timeout: 20_000 })
    const gamma = await layoutOf(a, ids.Gamma!)

    const zoom = await zoomOf(a)
    await drag(a, card(a, 'Gamma').locator('.canvas-card__bar .canvas-card__version'), 3 * CELL * zoom, -CELL * zoom)
    const moved = { x: (gamma.x + 3) * CELL, y: Math.max(0, gamma.y - 1) * CELL }
    await b.waitForFunction(
      ({ id, x, y }) =>
        (document.querySelector(`[data-card-id="${id}"]`) as HTMLElement | null)?.style.transform ===
        `translate(${x}px, ${y}px)`,
      { id: ids.Gamma!, ...moved },
      { timeout: 20_000 },
    )

    const before = Number((await metric(card(b, 'Gamma')).textContent())?.trim())
    await card(a, 'Gamma').getByRole('button', { name: '+1' }).click()
    await waitForMetric(card(b, 'Gamma'), String(before + 1))
    await a.mouse.move(0, 0)
    await a.screenshot({ path: join(RESULTS, 'canvas-two-contexts-a.png') })
    await b.screenshot({ path: join(RESULTS, 'canvas-two-contexts-b.png') })
    await a.close()
    await b.close()
  })

  it('selects, deletes with undo, duplicates, draws a marquee, and switches modes', async () => {
    const page = await browser.newPage({ viewport: VIEW, baseURL: url })
    watch(page)
    await logIn(page, url)
    await metric(card(page, 'Beta')).waitFor({ timeout: 20_000 })
    const cards = canvas(page).locator('[data-card-id]')

    // Delete Beta (click its title bar, then Delete): it goes to the trash; Undo brings it back, state and all.
    await card(page, 'Beta').locator('.canvas-card__title').click()
    await page.getByText('1 selected').waitFor()
    await page.keyboard.press('Delete')
    const toast = page.getByRole('status').filter({ hasText: 'to the trash' })
    await toast.waitFor()
    await card(page, 'Beta').waitFor({ state: 'detached' })
    expect(await cards.count()).toBe(2)
    const trash = (await (await page.request.get('/api/panels?trashed=true')).json()) as { panels: { title: string }[] }
    expect(trash.panels.map((p) => p.title)).toEqual(['Beta'])
    await toast.getByRole('button', { name: 'Undo' }).click()
    await waitForMetric(card(page, 'Beta'), '2')
    expect(await cards.count()).toBe(3)

    // Duplicate Alpha with Ctrl/⌘+D: a copy with the same state, selected.
    await card(page, 'Alpha').getByRole('button', { name: '+1' }).click()
    await waitForMetric(card(page, 'Alpha'), '1')
    await card(page, 'Alpha').locator('.canvas-card__title').click()
    await page.keyboard.press('ControlOrMeta+d')
    await waitForMetric(card(page, 'Alpha (copy)'), '1')
    expect(await cards.count()).toBe(4)
    await page.getByText('1 selected').waitFor()

    // A marquee (Shift+drag on empty space) around Alpha and its copy selects both.
    const alphaBox = (await card(page, 'Alpha').boundingBox())!
    const copyBox = (await card(page, 'Alpha (copy)').boundingBox())!
    await page.mouse.move(Math.min(alphaBox.x, copyBox.x) - 10, Math.min(alphaBox.y, copyBox.y) - 10)
    await page.keyboard.down('Shift')
    await page.mouse.down()
    await page.mouse.move(copyBox.x + 40, copyBox.y + 40, { steps: 8 })
    await page.mouse.up()
    await page.keyboard.up('Shift')
    await page.getByText('2 selected').waitFor()
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'canvas-marquee.png') })

    // Modes: M minimises (title bar only), F fills the view, Esc returns.
    const gamma = card(page, 'Gamma')
    await gamma.focus()
    await page.keyboard.press('m')
    await gamma.locator('.canvas-card__body').waitFor({ state: 'detached' })
    expect((await gamma.boundingBox())!.height).toBeLessThan(CELL)
    await page.keyboard.press('m')
    await metric(gamma).waitFor()
    await gamma.focus()
    await page.keyboard.press('f')
    const full = (await card(page, 'Gamma').boundingBox())!
    const view = (await canvas(page).boundingBox())!
    expect(full.width).toBeGreaterThan(view.width - 40)
    await metric(card(page, 'Gamma')).waitFor()
    await page.screenshot({ path: join(RESULTS, 'canvas-fullscreen.png') })
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => !document.querySelector('.canvas-card--fullscreen'))
    expect((await card(page, 'Gamma').boundingBox())!.width).toBeLessThan(view.width / 2)
    // Tab from the canvas reaches the cards in order; Enter on a card opens its panel page.
    await canvas(page).focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Alpha')
    await card(page, 'Gamma').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(/#\/panels\//)
    await page.close()
  })

  it("shows a panel's failed run as an error badge and the message in its card", async () => {
    const page = await browser.newPage({ viewport: VIEW, baseURL: url })
    await logIn(page, url)
    const { workspaceId } = (await (await page.request.get('/api/panels')).json()).panels[0] as { workspaceId: string }
    const faulty = titled('Faulty')
      .replace('$state.count += $args.step', "throw new Error('the flux capacitor is empty')")
      .replace('<Capabilities><Capability type="state:write" scope="count" /></Capabilities>', '')
    const created = await page.request.post('/api/panels', { data: { nxml: faulty, workspaceId } })
    expect(created.status()).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const c = card(page, 'Faulty')
    await metric(c).waitFor({ timeout: 20_000 })
    await c.getByRole('button', { name: '+1' }).click()
    await c.getByRole('img', { name: '1 error' }).waitFor({ timeout: 20_000 })
    expect(await c.getByRole('alert').textContent()).toContain('the flux capacitor is empty')
    await c.screenshot({ path: join(RESULTS, 'canvas-card-error.png') })
    await c.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click()
    await c.getByRole('img', { name: '1 error' }).waitFor({ state: 'detached' })
    expect((await page.request.delete(`/api/panels/${id}`)).status()).toBe(204)
    await c.waitFor({ state: 'detached' })
    await page.close()
  })

  it('50 live panels: every card renders, zoom to fit shows them all, the minimap moves the view', async () => {
    const page = await browser.newPage({ viewport: VIEW, baseURL: url })
    watch(page)
    await logIn(page, url)
    await metric(card(page, 'Alpha')).waitFor({ timeout: 20_000 })
    const existing = await canvas(page).locator('[data-card-id]').count()
    const { workspaceId } = (await (await page.request.get('/api/panels')).json()).panels[0] as { workspaceId: string }
    for (let i = existing; i < 50; i++) {
      const res = await page.request.post('/api/panels', { data: { nxml: titled(`Load ${i}`), workspaceId } })
      expect(res.status()).toBe(201)
    }
    await page.waitForFunction(
      () => document.querySelectorAll('.canvas [data-card-id] .nx-panel').length === 50,
      undefined,
      {
        timeout: 60_000,
      },
    )
    for (let i = existing; i < 50; i++) await card(page, `Load ${i}`).waitFor({ state: 'attached' })
    const minimap = canvas(page).getByRole('img', { name: /^Minimap/ })
    await minimap.waitFor()
    expect(await minimap.getAttribute('aria-label')).toBe('Minimap: 50 cards')

    await canvas(page).getByRole('button', { name: 'Zoom to fit' }).click()
    await minimap.waitFor({ state: 'detached' })
    const zoom = Number(
      (await canvas(page).getByRole('button', { name: 'Reset zoom' }).textContent())?.replace('%', ''),
    )
    expect(zoom).toBeLessThan(100)
    expect(zoom).toBeGreaterThanOrEqual(25)
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'canvas-50-fit.png') })

    // Ctrl+wheel zooms in around the pointer; a drag on empty space pans.
    const layer = canvas(page).locator('.canvas__layer')
    const transform = () => layer.evaluate((el) => (el as HTMLElement).style.transform)
    const stage = (await canvas(page).boundingBox())!
    await page.mouse.move(stage.x + 20, stage.y + stage.height / 2)
    const fitted = await transform()
    await page.keyboard.down('Control')
    await page.mouse.wheel(0, -100)
    await page.keyboard.up('Control')
    await page.waitForFunction(
      (before) => (document.querySelector('.canvas__layer') as HTMLElement).style.transform !== before,
      fitted,
    )
    expect(await zoomOf(page)).toBeGreaterThan(zoom / 100)
    const beforePan = await transform()
    await page.mouse.move(stage.x + 10, stage.y + stage.height - 60)
    await page.mouse.down()
    await page.mouse.move(stage.x + 110, stage.y + stage.height - 100, { steps: 5 })
    await page.mouse.up()
    const [x0, y0] = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(beforePan)!.slice(1).map(Number)
    const [x1, y1] = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/
      .exec(await transform())!
      .slice(1)
      .map(Number)
    expect([Math.round(x1! - x0!), Math.round(y1! - y0!)]).toEqual([100, -40])

    // The palette runs the canvas's own commands: "Zoom to fit" from Ctrl/⌘+K.
    await page.keyboard.press('ControlOrMeta+K')
    const search = page.getByRole('dialog', { name: 'Command palette' }).getByRole('combobox')
    await search.waitFor()
    await page.keyboard.type('zoom to fit')
    await page.keyboard.press('Enter')
    await minimap.waitFor({ state: 'detached' })

    // Zoom back in with the button: the minimap returns, and a click on it moves the view there.
    await canvas(page).getByRole('button', { name: 'Reset zoom' }).click()
    await minimap.waitFor()
    const origin = await canvas(page)
      .locator('.canvas__layer')
      .evaluate((el) => (el as HTMLElement).style.transform)
    const box = (await minimap.boundingBox())!
    await page.mouse.click(box.x + box.width - 4, box.y + box.height - 4)
    expect(
      await canvas(page)
        .locator('.canvas__layer')
        .evaluate((el) => (el as HTMLElement).style.transform),
    ).not.toBe(origin)
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'canvas-50-minimap.png') })
    expect(problems).toEqual([])
    await page.close()
  })
})

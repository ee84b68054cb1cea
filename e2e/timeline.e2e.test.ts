// Time travel in real Chromium against a real kernel: clicks on a counter by two people and one failing run, then
// the timeline scrubbed back by keyboard and by dragging — the panel itself drawn as it was (count 1 while the
// live one shows 3), the change that made that moment and who, a diff between two marked moments, the failure
// in red, a replay of a past run and of the failed one, and back to live.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, freePort, launchChromium, spawnKernel, stopKernel } from './harness.ts'

const OWNER = { name: 'Tess Timeline', email: 'tess@example.com', password: 'correct horse battery' }
const EDITOR = { name: 'Bob Builder', email: 'bob@example.com', password: 'another long passphrase' }
const PANEL = `<NexusPanel title="Counter" version="1.0.0">
  <Data>
    <State name="count" type="number" default="0" />
    <Computed name="double" value="$state.count * 2" />
  </Data>
  <Logic>
    <Tool name="increment" description="Add a step to the counter">
      <Arg name="step" type="number" default="1" />
      <Capabilities><Capability type="state:write" scope="count" /></Capabilities>
      <Handler>$state.count += $args.step</Handler>
    </Tool>
    <Tool name="explode" description="Always fails">
      <Handler>throw new Error('the fuse was lit')</Handler>
    </Tool>
  </Logic>
  <View>
    <Layout strategy="stack" gap="md">
      <Metric label="Count" value="{$state.count}" />
      <Text content="Double: {$computed.double}" />
      <Button label="+1" trigger="increment" args="{ step: 1 }" />
      <Button label="Explode" trigger="explode" />
    </Layout>
  </View>
</NexusPanel>
`
/** A time of day as the track writes it: 14:02:31 (never a millisecond count). */
const CLOCK = /^\d{2}:\d{2}:\d{2}$/

const LIVE_METRIC = '.panel-card [data-nx="Metric"] .nx-metric__value'
const PAST_METRIC = '.tt-past [data-nx="Metric"] .nx-metric__value'

async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').trim()
}

async function waitForText(page: Page, selector: string, value: string): Promise<void> {
  await page.waitForFunction(
    ([s, v]) => document.querySelector(s!)?.textContent?.trim() === v,
    [selector, value] as const,
    { timeout: 20_000 },
  )
}

/** The slider's aria-valuetext once it says `pattern`. */
async function waitForValueText(page: Page, pattern: RegExp): Promise<string> {
  const slider = page.getByRole('slider', { name: 'Timeline' })
  await expect
    .poll(async () => (await slider.getAttribute('aria-valuetext')) ?? '', { timeout: 20_000 })
    .toMatch(pattern)
  return (await slider.getAttribute('aria-valuetext')) ?? ''
}

describe('time travel on the panel page', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-timeline-'))

  beforeAll(async () => {
    ;({ url, process: kernel } = await spawnKernel(await freePort(), dataDir))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('scrubs back to the old rendering, shows the change and who, diffs two moments, a failure in red, replays, back to live', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    // The owner and the panel through the HTTP API (the context keeps the session cookies).
    const setup = await context.request.post(`${url}/api/auth/setup`, { data: OWNER })
    expect(setup.status()).toBe(201)
    const me = (await (await context.request.get(`${url}/api/me`)).json()) as { workspaces: { id: string }[] }
    const created = await context.request.post(`${url}/api/panels`, {
      data: { nxml: PANEL, workspaceId: me.workspaces[0]!.id },
    })
    expect(created.status()).toBe(201)
    const panel = (await created.json()) as { id: string }
    // A second person, invited as an editor, makes the third change from their own browser.
    const invited = await context.request.post(`${url}/api/workspaces/${me.workspaces[0]!.id}/members`, {
      data: { email: EDITOR.email, role: 'editor' },
    })
    expect(invited.status()).toBe(201)
    const bobContext = await browser.newContext({ viewport: { width: 1280, height: 1100 } })
    expect((await bobContext.request.post(`${url}/api/auth/register`, { data: EDITOR })).status()).toBe(201)
    const bob = await bobContext.newPage()
    await bob.goto(`${url}/#/panels/${panel.id}`)
    await waitForText(bob, LIVE_METRIC, '0')

    await page.goto(`${url}/#/panels/${panel.id}`)
    await waitForText(page, LIVE_METRIC, '0')
    const slider = page.getByRole('slider', { name: 'Timeline' })
    const time = page.getByRole('region', { name: 'Time travel' })
    await time.waitFor()

    const plusOne = page.locator('.panel-card').getByRole('button', { name: '+1' })
    for (let i = 1; i <= 2; i++) {
      await plusOne.click()
      await waitForText(page, LIVE_METRIC, String(i))
    }
    await waitForText(bob, LIVE_METRIC, '2')
    await bob.locator('.panel-card').getByRole('button', { name: '+1' }).click()
    await waitForText(page, LIVE_METRIC, '3')
    await page.locator('.panel-card').getByRole('button', { name: 'Explode' }).click()
    await page.locator('.panel-card [role="alert"]').filter({ hasText: 'the fuse was lit' }).waitFor()

    // The track: three changes and the failure, live at the right end.
    await expect.poll(() => page.locator('.tt-marker[data-kind="change"]').count(), { timeout: 20_000 }).toBe(3)
    await expect.poll(() => page.locator('.tt-marker[data-kind="failure"]').count(), { timeout: 20_000 }).toBe(1)
    expect(await slider.getAttribute('aria-valuetext')).toBe('Live')
    const ticks = await page.locator('.tt-ticks time').allTextContents()
    expect(ticks.length).toBeGreaterThan(0)
    for (const tick of ticks) expect(tick).toMatch(CLOCK)

    // ← from live: the failure, then the third, second and first change.
    await slider.focus()
    await page.keyboard.press('End')
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft')
    const first = await waitForValueText(page, /, increment$/)
    expect(first).toMatch(/^\d{2}:\d{2}:\d{2} \((just now|\d+ sec\.? ago)\), increment$/)

    // The panel itself as it was: count 1 in the past while the live one shows 3; its buttons do nothing.
    await waitForText(page, PAST_METRIC, '1')
    expect(await textOf(page, LIVE_METRIC)).toBe('3')
    const past = page.locator('.tt-past')
    expect(await past.getByText('Double: 2').count()).toBe(1)
    expect(await past.getByRole('button', { name: '+1' }).isDisabled()).toBe(true)
    const banner = (await past.getByRole('status').first().textContent()) ?? ''
    expect(banner).toMatch(/^Viewing \d{2}:\d{2}:\d{2} \(.+\) — read-only$/)
    const pastName = await past.getAttribute('aria-label')
    expect(pastName).toMatch(/^Counter at \d{2}:\d{2}:\d{2}$/)

    // The change that made that moment: tool, args, ops, who, when.
    const details = page.getByRole('region', { name: 'Change details' })
    await details.getByRole('heading', { name: 'Change 1 by increment' }).waitFor()
    expect(await details.getByTestId('change-actor').textContent()).toBe(OWNER.name)
    expect(await details.getByRole('list', { name: 'Operations' }).textContent()).toBe('replace /count → 1')
    expect(await details.locator('dd code').nth(1).textContent()).toBe('{"step":1}')
    expect(await details.locator('dd time').textContent()).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/)
    await page.screenshot({ path: join(RESULTS, 'timeline-past.png') })

    // Diff: mark the first change as A, step to the third and mark it as B.
    await details.getByRole('button', { name: 'Compare from here (A)' }).click()
    await slider.focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await details.getByRole('heading', { name: 'Change 3 by increment' }).waitFor()
    await waitForText(page, PAST_METRIC, '3')
    expect(await details.getByTestId('change-actor').textContent()).toBe(EDITOR.name)
    await details.getByRole('button', { name: 'Compare to here (B)' }).click()
    const diff = page.getByRole('region', { name: 'Diff between two moments' })
    await diff.locator('tbody tr').first().waitFor()
    expect(
      await diff.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.split('\t'))),
    ).toEqual([['changed', '/count', '1', '3']])
    expect(await diff.getByRole('heading').textContent()).toMatch(/^Compare A \d{2}:\d{2}:\d{2} → B \d{2}:\d{2}:\d{2}$/)
    await page.screenshot({ path: join(RESULTS, 'timeline-diff.png') })
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'))
    await page.screenshot({ path: join(RESULTS, 'timeline-diff-dark.png') })
    await page.evaluate(() => delete document.documentElement.dataset.theme)

    // The failure: a red marker, and its details say what failed and why; the state is that of before it.
    await slider.focus()
    await page.keyboard.press('ArrowRight')
    await waitForValueText(page, /, explode failed$/)
    await details.getByRole('heading', { name: 'Failed run of explode' }).waitFor()
    expect(await details.locator('.tt-error').textContent()).toMatch(/^HANDLER_ERROR .*the fuse was lit/)
    const red = await page
      .locator('.tt-marker[data-kind="failure"]')
      .evaluate((el) => getComputedStyle(el).backgroundColor.match(/\d+/g)!.map(Number))
    expect(red[0]).toBeGreaterThan(150)
    expect(red[0]! - Math.max(red[1]!, red[2]!)).toBeGreaterThan(80)
    await waitForText(page, PAST_METRIC, '3')
    // Replay the failed run: a dry run from the state before it fails again the same way.
    await details.getByRole('button', { name: 'Replay this run' }).click()
    await page
      .getByRole('region', { name: 'Replay result' })
      .getByText(/^Replayed: it fails again the same way \(HANDLER_ERROR: .*the fuse was lit/)
      .waitFor()
    await page.screenshot({ path: join(RESULTS, 'timeline-failure.png') })

    // Replay a past run: the second change, re-run from its record, gives the same operations.
    await slider.focus()
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await details.getByRole('heading', { name: 'Change 2 by increment' }).waitFor()
    await details.getByRole('button', { name: 'Replay this run' }).click()
    const replay = page.getByRole('region', { name: 'Replay result' })
    await replay.getByText('Replayed: the same operations as recorded.').waitFor()
    expect(await replay.getByRole('list', { name: 'Recorded operations' }).textContent()).toBe('replace /count → 2')
    expect(await replay.getByRole('list', { name: 'Replayed operations' }).textContent()).toBe('replace /count → 2')
    await page.screenshot({ path: join(RESULTS, 'timeline-replay.png') })

    // Dragging the handle: from the right end to the left end lands on the first moment.
    const box = (await page.locator('.tt-track').boundingBox())!
    await page.mouse.move(box.x + box.width, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 })
    await page.mouse.move(box.x - 20, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    expect(await slider.getAttribute('aria-valuenow')).toBe('0')
    await waitForValueText(page, /, (created|increment)$/)

    // Back to live: the past rendering goes away, the handle is at the right end.
    await past.getByRole('button', { name: 'Back to live' }).click()
    await waitForValueText(page, /^Live$/)
    expect(await page.locator('.tt-past').count()).toBe(0)
    expect(await textOf(page, LIVE_METRIC)).toBe('3')
    await page.screenshot({ path: join(RESULTS, 'timeline-live.png') })
    expect(problems).toEqual([])
    await bobContext.close()
    await context.close()
  })

  it('says so when a panel has no history yet', async () => {
    const context = await browser.newContext()
    const login = await context.request.post(`${url}/api/auth/login`, {
      data: { email: OWNER.email, password: OWNER.password },
    })
    expect(login.status()).toBe(200)
    const me = (await (await context.request.get(`${url}/api/me`)).json()) as { workspaces: { id: string }[] }
    const created = await context.request.post(`${url}/api/panels`, {
      data: { nxml: PANEL.replace('title="Counter"', 'title="Fresh"'), workspaceId: me.workspaces[0]!.id },
    })
    const panel = (await created.json()) as { id: string }
    const page = await context.newPage()
    await page.goto(`${url}/#/panels/${panel.id}`)
    const time = page.getByRole('region', { name: 'Time travel' })
    await time.waitFor()
    // Only its creation so far: the empty state, not a track.
    await time.getByText('No changes yet').waitFor({ timeout: 20_000 })
    expect(await page.getByRole('slider', { name: 'Timeline' }).count()).toBe(0)
    await page.screenshot({ path: join(RESULTS, 'timeline-fresh.png') })
    await context.close()
  })
  it('shows why a replay is refused, and an NXML edit on the track', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
    const login = await context.request.post(`${url}/api/auth/login`, {
      data: { email: OWNER.email, password: OWNER.password },
    })
    expect(login.status()).toBe(200)
    const me = (await (await context.request.get(`${url}/api/me`)).json()) as { workspaces: { id: string }[] }
    const nxml = PANEL.replace('title="Counter"', 'title="Edited"')
    const created = await context.request.post(`${url}/api/panels`, {
      data: { nxml, workspaceId: me.workspaces[0]!.id },
    })
    const panel = (await created.json()) as { id: string }
    const trigger = await context.request.post(`${url}/api/panels/${panel.id}/trigger`, {
      data: { tool: 'increment', args: { step: 1 } },
    })
    expect(trigger.status()).toBe(200)
    // The handler changes after the run: the run can no longer be re-executed as it was.
    const edit = await context.request.put(`${url}/api/panels/${panel.id}/nxml`, {
      data: { nxml: nxml.replace('$state.count += $args.step', '$state.count += $args.step * 10') },
    })
    expect(edit.status()).toBe(200)
    const page = await context.newPage()
    await page.goto(`${url}/#/panels/${panel.id}`)
    const slider = page.getByRole('slider', { name: 'Timeline' })
    await slider.waitFor({ timeout: 20_000 })
    await slider.focus()
    await page.keyboard.press('End')
    await page.keyboard.press('ArrowLeft') // the NXML edit, after the run
    await waitForValueText(page, /, NXML edit$/)
    const details = page.getByRole('region', { name: 'Change details' })
    await details.getByRole('heading', { name: 'Change 2 by NXML edit' }).waitFor()
    expect(await details.getByRole('button', { name: 'Replay this run' }).count()).toBe(0)
    await page.keyboard.press('ArrowLeft')
    await details.getByRole('heading', { name: 'Change 1 by increment' }).waitFor()
    await details.getByRole('button', { name: 'Replay this run' }).click()
    await details
      .getByRole('alert')
      .filter({ hasText: /^Replay refused: The "increment" handler changed since change 1/ })
      .waitFor()
    await page.screenshot({ path: join(RESULTS, 'timeline-replay-refused.png') })
    await context.close()
  })
})

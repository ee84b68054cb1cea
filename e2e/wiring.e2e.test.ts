import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, freePort, launchChromium, spawnKernel, stopKernel } from './harness.ts'

const OWNER = { name: 'Wren Writer', email: 'wren@example.com', password: 'correct horse battery' }

const NOTES = `<NexusPanel title="Notes" version="1.0.0">
  <Data>
    <State name="draft" type="string" default="" />
    <State name="greetings" type="number" default="0" />
  </Data>
  <Logic>
    <Tool name="hello">
      <Capabilities>
        <Capability type="state:write" scope="greetings" />
        <Capability type="view" scope="update" />
      </Capabilities>
      <Handler>$state.greetings += 1
$log('hello from the kernel', $state.greetings)
$view.focus('draft')</Handler>
    </Tool>
  </Logic>
  <View>
    <Input id="draft" label="Draft" bind="draft" />
    <Text content="Saved: {$state.draft}" />
    <Text content="Greetings: {$state.greetings}" />
    <Button label="Say hello" trigger="hello" />
  </View>
</NexusPanel>`

async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('heading', { name: 'Log in to Nexus' }).waitFor()
  await page.getByLabel('E-mail').fill(OWNER.email)
  await page.getByLabel('Password').fill(OWNER.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('region', { name: 'Canvas', exact: true }).waitFor()
}

/** Waits until the page's Draft input shows `value`. */
async function draftIs(page: Page, value: string): Promise<void> {
  await page.waitForFunction(
    (v) => document.querySelector<HTMLInputElement>('[data-nx-id="draft"] input')?.value === v,
    value,
    { timeout: 20_000 },
  )
}

describe('a bound input, written through the kernel', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string

  beforeAll(async () => {
    const port = await freePort()
    ;({ url, process: kernel } = await spawnKernel(port, mkdtempSync(join(tmpdir(), 'nexus-e2e-bind-'))))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('reaches another browser, survives a reload, and shows the log and view commands of a run', async () => {
    const json = { 'content-type': 'application/json' }
    const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: json, body: JSON.stringify(OWNER) })
    const { accessToken } = (await setup.json()) as { accessToken: string }
    const created = await fetch(`${url}/api/panels`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ nxml: NOTES }),
    })
    const { id } = (await created.json()) as { id: string }

    // Two browser contexts: two sessions, as two people (or two machines) would have.
    const [a, b] = [await (await browser.newContext()).newPage(), await (await browser.newContext()).newPage()]
    const consoleErrors: string[] = []
    for (const page of [a, b]) {
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
      await logIn(page, url)
      await page.goto(`${url}/#/panels/${id}`)
      await draftIs(page, '')
    }

    // Typed key by key: the page shows every key at once, the kernel gets the latest value once typing rests.
    const text = 'Meet at the harbour at nine'
    await a.getByLabel('Draft').pressSequentially(text, { delay: 15 })
    await draftIs(a, text)
    await draftIs(b, text)
    await b.getByText(`Saved: ${text}`).waitFor()
    const stored = await fetch(`${url}/api/panels/${id}`, { headers: { authorization: `Bearer ${accessToken}` } })
    expect(((await stored.json()) as { state: { draft: string } }).state.draft).toBe(text)

    // Typing in the other browser, over what is there, comes back the other way.
    await b.getByLabel('Draft').fill(`${text}, bring maps`)
    await draftIs(a, `${text}, bring maps`)
    await b.reload()
    await draftIs(b, `${text}, bring maps`)
    await a.reload()
    await draftIs(a, `${text}, bring maps`)

    // A run's $log goes to the drawer of the page that triggered it, and its $view.focus to that page's view.
    await a.getByRole('button', { name: 'Say hello' }).click()
    const logLine = a.getByRole('list', { name: 'Handler log' }).getByText('hello from the kernel 1')
    await logLine.waitFor()
    await a.waitForFunction(
      () => document.activeElement?.closest('[data-nx-id]')?.getAttribute('data-nx-id') === 'draft',
    )
    await b.getByText('Greetings: 1').waitFor() // the run's change reached the other page…
    expect(await b.getByRole('list', { name: 'Handler log' }).count()).toBe(0) // …and nothing of its log
    // The writes are in the panel's history beside it, as changes of `$bind` (a "bound input" on the timeline).
    await a.locator('.tt-marker[data-kind="change"][title$=", bound input"]').first().waitFor({ timeout: 20_000 })
    await a.screenshot({ path: join(RESULTS, 'bind-page-a.png'), fullPage: true })
    await b.screenshot({ path: join(RESULTS, 'bind-page-b.png'), fullPage: true })
    // The login page asks who is logged in before anyone is: those 401s are expected.
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([])
  })
})

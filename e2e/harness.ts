import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const RESULTS = `${ROOT}test-results`

export { freePort, spawnKernel, stopKernel } from '../packages/kernel/test/process.ts'

export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}; apt-get install -y chromium`)
  mkdirSync(RESULTS, { recursive: true })
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * Replaces the text of the studio's NXML editor as a person would (focus, select all, paste), after its
 * chunk has loaded. A paste, not `keyboard.insertText`: Chromium's multi-line insertText into the
 * contenteditable drops leading whitespace. `nth` picks the editor when a page shows more than one.
 */
export async function setEditorText(page: Page, text: string, nth = 0): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'NXML editor' }).nth(nth)
  await editor.waitFor({ timeout: 20_000 })
  await editor.click()
  await page.keyboard.press('ControlOrMeta+A')
  await editor.evaluate((el, t) => {
    const data = new DataTransfer()
    data.setData('text/plain', t)
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, text)
}

/** The accessible name of the focused element as a person hears it: aria-label, its label, or its text. */
export function focusedName(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return null
    const label = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent
    return (label ?? el.textContent)?.trim() ?? null
  })
}

/** Polls `check` until it answers true (every 100 ms, for up to `timeoutMs`): a condition, never a timing. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error('the condition did not hold in time')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

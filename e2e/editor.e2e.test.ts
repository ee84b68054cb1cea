// The studio's NXML editor in real Chromium against a real kernel: a typo underlined on its line with the
// reactor's message on hover, completion from the component specs and the current parse, create and use
// the panel, then "Edit NXML" on the panel page saved with Ctrl+S and the dropped state shown.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium, setEditorText, spawnKernel, stopKernel } from './harness.ts'

const COUNTER = readFileSync(join(ROOT, 'packages/reactor/test/cases/counter.nxml'), 'utf8')
const TYPO = COUNTER.replace('trigger="increment"', 'trigger="incremnt"')
const TYPO_LINE = TYPO.slice(0, TYPO.indexOf('incremnt')).split('\n').length
const skeleton = (inner: string): string =>
  `<NexusPanel title="C" version="1">\n  <View>\n    <Layout>\n      ${inner}\n    </Layout>\n  </View>\n</NexusPanel>\n`
const OWNER = { name: 'Eddie Editor', email: 'eddie@example.com', password: 'correct horse battery' }

/** The labels the open completion list offers. */
async function completionLabels(page: Page): Promise<string[]> {
  await page.keyboard.press('Control+Space')
  const list = page.locator('.cm-tooltip-autocomplete')
  await list.waitFor({ timeout: 10_000 })
  const labels = await list.locator('li .cm-completionLabel').allTextContents()
  await page.keyboard.press('Escape')
  return labels
}

/** Puts the cursor right after `prefix` on the editor line holding `line`: a click, End, then arrows. */
async function cursorAfter(page: Page, line: string, prefix: string): Promise<void> {
  const target = page.locator('.cm-content > .cm-line', { hasText: line }).first()
  await target.click()
  await page.keyboard.press('End')
  const text = (await target.textContent()) ?? ''
  const left = text.length - (text.indexOf(prefix) + prefix.length)
  for (let i = 0; i < left; i++) await page.keyboard.press('ArrowLeft')
}

/** Waits until the editor shows no error underline (the editor lives in a shadow root). */
async function noErrorMarks(page: Page): Promise<void> {
  await page.locator('.cm-editor').first().waitFor()
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.nxml-editor')].every(
      (host) => host.shadowRoot?.querySelector('.cm-lintRange-error') === null,
    ),
  )
}

/** The 1-based editor line of the first lint mark of `severity`, and the mark's text. */
async function firstMark(page: Page, severity: 'error' | 'warning') {
  const mark = page.locator(`.cm-lintRange-${severity}`).first()
  await mark.waitFor({ timeout: 10_000 })
  const line = await mark.evaluate((el) => {
    const lines = [...el.closest('.cm-content')!.querySelectorAll(':scope > .cm-line')]
    return lines.indexOf(el.closest('.cm-line')!) + 1
  })
  return { mark, line, text: (await mark.textContent()) ?? '' }
}

describe('the NXML editor', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-editor-'))

  beforeAll(async () => {
    ;({ url, process: kernel } = await spawnKernel(await freePort(), dataDir))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('underlines a typo on its line, completes from the specs, creates the fixed panel and edits it', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } })
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(url)
    await page.getByRole('heading', { name: 'Set up Nexus' }).waitFor()
    await page.getByLabel('Name').fill(OWNER.name)
    await page.getByLabel('E-mail').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Create owner account' }).click()
    await page.getByText('No panels yet').waitFor()
    await page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'New panel' }).click()

    // Completion: a component after `<` inside the view, then an attribute of that component.
    await setEditorText(page, skeleton('<Text content="x" />'))
    await cursorAfter(page, '<Text content="x" />', '<Text content="x" />')
    await page.keyboard.press('Enter')
    await page.keyboard.type('<Me')
    expect(await completionLabels(page)).toContain('Metric')
    await setEditorText(page, skeleton('<Metric  />'))
    await cursorAfter(page, '<Metric  />', '<Metric ')
    await page.keyboard.type('la')
    expect(await completionLabels(page)).toContain('label')
    // An enum attribute's values.
    await setEditorText(page, skeleton('<Layout strategy=""></Layout>'))
    await cursorAfter(page, '<Layout strategy=', '<Layout strategy=')
    expect(await completionLabels(page)).toEqual(expect.arrayContaining(['"stack"', '"row"', '"grid"']))
    // A tool name from the current parse in `trigger="…"`, the `$` roots and state names in `{…}`.
    const button = '<Button label="+1" trigger="" args="{ step: 1 }" />'
    await setEditorText(page, COUNTER.replace('<Button label="+1" trigger="increment" args="{ step: 1 }" />', button))
    await cursorAfter(page, button, '<Button label="+1" trigger="')
    expect(await completionLabels(page)).toContain('increment')
    await cursorAfter(page, button, '<Button label="+1" trigger="" args="{ step: ')
    await page.keyboard.type('$')
    expect(await completionLabels(page)).toEqual(expect.arrayContaining(['$state', '$args', '$computed']))
    await page.keyboard.type('state.')
    expect(await completionLabels(page)).toContain('count')

    // The typo: underlined on its line, exactly the misspelt name, the reactor's message on hover.
    await setEditorText(page, TYPO)
    const typo = await firstMark(page, 'error')
    expect(typo.line).toBe(TYPO_LINE)
    expect(typo.text).toBe('incremnt')
    await typo.mark.hover()
    const tooltip = page.locator('.cm-tooltip-lint')
    await tooltip.waitFor({ timeout: 10_000 })
    expect(await tooltip.textContent()).toContain('tool "incremnt" is not defined')
    expect(await page.getByRole('button', { name: 'Create panel' }).isDisabled()).toBe(true)
    await page.screenshot({ path: join(RESULTS, 'editor-typo.png') })

    // Fixed: no mark left, Create enabled; the panel is created and counts.
    await setEditorText(page, COUNTER)
    // The list under the editor empties once the debounced lint pass has run on the new text.
    await page.locator('.diagnostic').first().waitFor({ state: 'detached', timeout: 10_000 })
    await noErrorMarks(page)
    expect(await page.getByRole('button', { name: 'Create panel' }).isEnabled()).toBe(true)
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'editor-fixed.png') })
    await page.getByRole('button', { name: 'Create panel' }).click()
    await page.getByRole('button', { name: 'Open Counter' }).click()
    await page.waitForURL(/#\/panels\//)
    const metric = page.locator('[data-nx="Metric"] .nx-metric__value').first()
    await page.getByRole('button', { name: '+1' }).click()
    await page.getByRole('button', { name: '+1' }).click()
    await page.waitForFunction(
      () => document.querySelector('[data-nx="Metric"] .nx-metric__value')?.textContent?.trim() === '2',
      undefined,
      { timeout: 20_000 },
    )

    // Edit NXML: rename the state (count → total); Ctrl+S formats and saves; `count` is reported dropped.
    await page.getByRole('button', { name: 'Edit NXML' }).click()
    await setEditorText(page, COUNTER.replaceAll('count', 'total'))
    await noErrorMarks(page)
    await page.keyboard.press('ControlOrMeta+s')
    const dropped = page.getByRole('list', { name: 'Dropped state' })
    await dropped.waitFor({ timeout: 20_000 })
    expect(await dropped.textContent()).toContain('count')
    await page.waitForFunction(
      () => document.querySelector('[data-nx="Metric"] .nx-metric__value')?.textContent?.trim() === '0',
      undefined,
      { timeout: 20_000 },
    )
    expect(await metric.textContent()).toBe('0')
    await page.screenshot({ path: join(RESULTS, 'editor-edit-saved.png') })
    expect(problems).toEqual([])
  })
})

// Every component example of docs/nxml.md in real Chromium: client render + screenshot, server render +
// hydration without mismatches, a 100,000-row virtual Table, interaction smoke tests and render counts.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JsonObject } from '@nexus/protocol'
import { compileNxml, renderPanelToString } from '@nexus/reactor'
import react from '@vitejs/plugin-react'
import type { Browser, Page } from 'playwright-core'
import { createServer, defaultClientConditions, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium } from './harness.ts'

const CASES = join(ROOT, 'packages/reactor/test/cases')
const SHOTS = join(RESULTS, 'components')
const EXAMPLES = readdirSync(CASES)
  .filter((f) => f.startsWith('component-') && f.endsWith('.nxml'))
  .map((f) => ({ name: f.slice('component-'.length, -'.nxml'.length), nxml: readFileSync(join(CASES, f), 'utf8') }))

const example = (name: string): string => EXAMPLES.find((e) => e.name === name)!.nxml

let server: ViteDevServer
let browser: Browser
let url: string

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  const port = await freePort()
  server = await createServer({
    configFile: false,
    root: join(ROOT, 'e2e/components'),
    plugins: [react()],
    resolve: { conditions: ['@nexus/source', ...defaultClientConditions] },
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
    logLevel: 'warn',
  })
  await server.listen()
  url = `http://127.0.0.1:${port}/`
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface Opened {
  page: Page
  /** Console errors and warnings, in order. */
  console: string[]
}

async function open(): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } })
  const messages: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`))
  await page.goto(url)
  await page.waitForFunction(() => window.nexus?.ready === true, undefined, { timeout: 60_000 })
  return { page, console: messages }
}

async function mount(page: Page, nxml: string, state?: JsonObject): Promise<void> {
  const json = state ? JSON.stringify(state) : ''
  await page.evaluate((a) => window.nexus.mount(a.nxml, a.json ? (JSON.parse(a.json) as JsonObject) : undefined), {
    nxml,
    json,
  })
  await page.locator('.nx-panel').waitFor()
}

describe('every component example, rendered in Chromium', () => {
  let opened: Opened
  beforeAll(async () => {
    opened = await open()
  })
  afterAll(() => opened.page.close())

  it('has the 22 examples of docs/nxml.md', () => {
    expect(EXAMPLES.map((e) => e.name)).toHaveLength(22)
  })

  for (const { name, nxml } of EXAMPLES) {
    it(`renders ${name} without console errors and saves a screenshot`, async () => {
      const { page } = opened
      opened.console.length = 0
      await mount(page, nxml)
      if (name === 'chart') await page.locator('.nx-chart svg.recharts-surface').first().waitFor()
      if (name === 'image') await page.waitForFunction(() => document.querySelector('img')?.complete === true)
      const panel = page.locator('.nx-panel')
      expect(await panel.locator('[data-nx]').count()).toBeGreaterThan(0)
      await panel.screenshot({ path: join(SHOTS, `${name}.png`) })
      expect(opened.console).toEqual([])
    })
  }
})

describe('server rendering and hydration', () => {
  for (const { name, nxml } of EXAMPLES) {
    it(`hydrates ${name} without a mismatch`, async () => {
      const ast = compileNxml(nxml).ast!
      const html = renderPanelToString(ast, {})
      const { page, console: messages } = await open()
      await page.evaluate(([n, h]) => window.nexus.hydrate(n, {}, h), [nxml, html] as const)
      // Effects (chart mount, virtualiser measurement) run after hydration; give them a frame or two.
      await page.waitForTimeout(150)
      const errors = await page.evaluate(() => window.nexus.errors)
      await page.close()
      expect({ errors, console: messages }).toEqual({ errors: [], console: [] })
    })
  }
})

describe('a Table with 100,000 rows', () => {
  it('scrolls to the middle with only the visible rows in the DOM', async () => {
    const { page, console: messages } = await open()
    const nxml = `<NexusPanel title="Big table">
  <Data><State name="rows" type="list" default="[]" /></Data>
  <View><Table data="{$state.rows}" columns="id,name,score" height="360" /></View>
</NexusPanel>`
    await page.evaluate((n) => {
      const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `row ${i}`, score: (i * 7919) % 1000 }))
      window.nexus.mount(n, { rows })
    }, nxml)
    await page.getByText('row 0', { exact: true }).waitFor()
    await page.locator('.nx-table__scroll').evaluate((el) => {
      el.scrollTop = 50_000 * 36
    })
    const middle = page.getByText('row 50000', { exact: true })
    await middle.waitFor({ state: 'visible' })
    expect(await middle.isVisible()).toBe(true)
    const rendered = await page.locator('[role="row"]').count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(100)
    expect(await page.locator('[role="grid"]').getAttribute('aria-rowcount')).toBe('100001')
    await page.locator('.nx-panel').screenshot({ path: join(SHOTS, 'table-100k-middle.png') })
    await page.close()
    expect(messages).toEqual([])
  })
})

describe('interactions', () => {
  let opened: Opened
  beforeAll(async () => {
    opened = await open()
  })
  afterAll(() => opened.page.close())

  it('Tabs: arrow keys move the selection and focus', async () => {
    const { page } = opened
    await mount(page, example('tabs'))
    await page.getByRole('tab', { name: 'Overview' }).focus()
    await page.keyboard.press('ArrowRight')
    const details = page.getByRole('tab', { name: 'Details' })
    expect(await details.getAttribute('aria-selected')).toBe('true')
    expect(await details.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await page.getByRole('tabpanel').textContent()).toBe("Only the selected tab's content is rendered.")
    await page.keyboard.press('Home')
    expect(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected')).toBe('true')
  })

  it('Form: an empty required field blocks submit; a valid one calls the tool', async () => {
    const { page } = opened
    await mount(page, example('form'))
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByText('Email is required').waitFor()
    expect(await page.evaluate(() => window.nexus.calls)).toEqual([])
    await page.getByLabel('Email').fill('ada@example.com')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByText('1 signed up').waitFor()
    expect(await page.evaluate(() => window.nexus.calls)).toEqual([
      { tool: 'signup', args: { email: 'ada@example.com', seats: 1 } },
    ])
  })

  it('Table: sorting, filtering and paging', async () => {
    const { page } = opened
    await mount(page, example('table'))
    const names = () => page.locator('.nx-table__body [role="row"] [role="gridcell"]:first-child').allTextContents()
    expect(await names()).toEqual(['Ada', 'Grace', 'Linus'])
    expect(await page.getByText('Page 1 of 2').count()).toBe(1)
    await page.getByRole('columnheader', { name: 'commits' }).click()
    expect(await names()).toEqual(['Barbara', 'Grace', 'Ada'])
    await page.getByRole('columnheader', { name: /commits/ }).press('Enter')
    expect(await names()).toEqual(['Linus', 'Ada', 'Grace'])
    await page.getByRole('button', { name: 'Next' }).click()
    expect(await names()).toEqual(['Barbara'])
    await page.getByLabel('Filter').fill('core')
    expect(await names()).toEqual(['Ada', 'Barbara'])
    expect(await page.getByText('Page 1 of 1').count()).toBe(1)
  })

  it('Kanban: ArrowRight on a focused card calls onMove and the card moves', async () => {
    const { page } = opened
    await mount(page, example('kanban'))
    await page.getByText('Write spec').focus()
    await page.keyboard.press('ArrowRight')
    await page.locator('[data-column="doing"]').getByText('Write spec').waitFor()
    expect(await page.evaluate(() => window.nexus.calls)).toEqual([{ tool: 'move', args: { id: 1, column: 'doing' } }])
    expect(await page.locator('[data-column="todo"] li').count()).toBe(0)
  })

  it('Input: bind writes the state and a Text reading it follows', async () => {
    const { page } = opened
    await mount(page, example('input'))
    await page.getByLabel('Name').fill('Grace')
    await page.getByText('Hello, Grace! (0/200)').waitFor()
    await page.getByLabel('Bio').fill('Compilers')
    await page.getByText('Hello, Grace! (9/200)').waitFor()
    expect(await page.evaluate(() => window.nexus.panel!.state)).toEqual({ name: 'Grace', bio: 'Compilers' })
  })
})

describe('fine-grained re-renders (react-dom/client)', () => {
  it('a patch to one item of a 1,000-item list re-renders that item only', async () => {
    const { page, console: messages } = await open()
    const nxml = `<NexusPanel title="Big list">
  <Data>
    <State name="items" type="list" default="[]" />
    <State name="title" type="string" default="List" />
  </Data>
  <View>
    <Text id="heading" content="{$state.title}: {$state.items.length} items" />
    <Text id="third" content="third is {$state.items[2].name}" />
    <Iterate id="list" items="{$state.items}" as="item">
      <Text content="{$scope.item.name}" />
    </Iterate>
  </View>
</NexusPanel>`
    await page.evaluate((n) => {
      const items = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item ${i}` }))
      window.nexus.mount(n, { items })
    }, nxml)
    await page.getByText('item 999', { exact: true }).waitFor()
    expect(await page.evaluate(() => window.nexus.renders)).toEqual({ heading: 1, third: 1, list: 1, Text: 1000 })
    const after = async (op: object) => {
      await page.evaluate((o) => {
        window.nexus.renders = {}
        const r = window.nexus.panel!.store.applyPatch([o as never])
        if (!r.ok) throw new Error(r.error.message)
      }, op)
      await page.waitForTimeout(100)
      return page.evaluate(() => window.nexus.renders)
    }
    // One item's field: the Iterate maps its list again, one item's Text renders; the length reader and
    // the reader of item 2 do not.
    expect(await after({ op: 'replace', path: '/items/500/name', value: 'renamed' })).toEqual({ list: 1, Text: 1 })
    await page.getByText('renamed', { exact: true }).waitFor()
    expect(await after({ op: 'replace', path: '/items/2/name', value: 'two' })).toEqual({ third: 1, list: 1, Text: 1 })
    // An append changes the length: the heading follows, the existing items stay.
    expect(await after({ op: 'add', path: '/items/-', value: { id: 1000, name: 'new' } })).toEqual({
      heading: 1,
      third: 1,
      list: 1,
      Text: 1,
    })
    expect(await after({ op: 'replace', path: '/title', value: 'Todo' })).toEqual({ heading: 1 })
    await page.getByText('Todo: 1001 items').waitFor()
    await page.close()
    expect(messages).toEqual([])
  })
})

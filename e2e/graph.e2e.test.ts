// The NOG graph view in real Chromium against a real kernel: the empty state, then three panels (states,
// computeds, tools) and a person's own concept laid out as nodes and labelled edges; filter by category,
// tag and name; details of a node; a live update; keyboard and double-click through to a panel; and the
// graph, xyflow and ELK loaded only when the graph is opened.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RESULTS, ROOT, freePort, launchChromium, spawnKernel, stopKernel } from './harness.ts'

const COUNTER = readFileSync(join(ROOT, 'packages/reactor/test/cases/counter.nxml'), 'utf8')
const TODOS = `<NexusPanel title="Todos" version="1.0.0">
  <Data>
    <State name="items" type="list" default="[]" />
    <State name="draft" type="string" default="" />
    <Computed name="left" value="$state.items.length" />
  </Data>
  <Logic>
    <Tool name="add" description="Add the draft as a todo">
      <Handler>$state.items.push($state.draft); $state.draft = ''</Handler>
    </Tool>
    <Tool name="clear">
      <Handler>$state.items = []</Handler>
    </Tool>
  </Logic>
  <View>
    <Layout>
      <Input bind="$state.draft" label="Todo" />
      <Button label="Add" trigger="add" />
      <Text content="{$computed.left} left" />
    </Layout>
  </View>
</NexusPanel>
`
const TIMER = `<NexusPanel title="Timer" version="1.0.0">
  <Data>
    <State name="seconds" type="number" default="0" />
  </Data>
  <Logic>
    <Tool name="tick">
      <Handler>$state.seconds += 1</Handler>
    </Tool>
  </Logic>
  <View>
    <Metric label="Seconds" value="{$state.seconds}" />
  </View>
</NexusPanel>
`
const OWNER = { name: 'Grace Graph', email: 'grace@example.com', password: 'correct horse battery' }

/** A call to the kernel from the page, with the page's session cookies. */
async function call(page: Page, method: string, path: string, body?: unknown): Promise<any> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
      return text ? JSON.parse(text) : null
    },
    { method, path, body },
  )
}

/** Waits until the canvas draws exactly `nodes` nodes and `edges` edges; on a timeout, says what it drew. */
async function waitForCounts(page: Page, nodes: number, edges: number): Promise<void> {
  const drawn = () =>
    page.evaluate(() => [
      document.querySelectorAll('.react-flow__node').length,
      document.querySelectorAll('.react-flow__edge').length,
    ])
  try {
    await page.waitForFunction(
      ([n, e]) =>
        document.querySelectorAll('.react-flow__node').length === n &&
        document.querySelectorAll('.react-flow__edge').length === e,
      [nodes, edges],
      { timeout: 20_000 },
    )
  } catch (error) {
    await page.screenshot({ path: join(RESULTS, 'graph-failure.png') })
    throw new Error(`wanted ${nodes} nodes and ${edges} edges, drew ${(await drawn()).join(' and ')}`, { cause: error })
  }
}

/** The names on the drawn nodes, sorted. */
async function nodeNames(page: Page): Promise<string[]> {
  return (await page.locator('.react-flow__node .graph-node__name').allTextContents()).sort()
}

describe('the NOG graph view', () => {
  let browser: Browser
  let kernel: ChildProcess
  let url: string
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-e2e-graph-'))

  beforeAll(async () => {
    ;({ url, process: kernel } = await spawnKernel(await freePort(), dataDir))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel)
  })

  it('draws panels, states, tools and concepts, filters them, and clicks through to a panel', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    const scripts: string[] = []
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname))

    await page.goto(url)
    await page.getByRole('heading', { name: 'Set up Nexus' }).waitFor()
    await page.getByLabel('Name').fill(OWNER.name)
    await page.getByLabel('E-mail').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Create owner account' }).click()
    const graphLink = page.getByRole('link', { name: 'Graph', exact: true })
    await graphLink.waitFor({ timeout: 20_000 })
    // The shell came up without the graph's code: it is its own chunk, fetched on demand.
    expect(scripts.filter((s) => /GraphPage|elk/i.test(s))).toEqual([])

    // A failing load says why and offers to try again.
    await page.route('**/nog/graph', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'The graph is being rebuilt' } }),
      }),
    )
    await graphLink.click()
    const failed = page.getByRole('alert').filter({ hasText: 'The graph could not be loaded' })
    await failed.waitFor({ timeout: 20_000 })
    expect(await failed.textContent()).toContain('The graph is being rebuilt')
    await page.unroute('**/nog/graph')
    await failed.getByRole('button', { name: 'Try again' }).click()

    // Empty: the view says where entities come from.
    await page.getByRole('heading', { name: 'No entities yet' }).waitFor({ timeout: 20_000 })
    expect(await failed.count()).toBe(0)
    expect(await page.getByText('Every panel adds itself to this graph').isVisible()).toBe(true)
    expect(scripts.filter((s) => /GraphPage/.test(s))).toHaveLength(1)
    await page.screenshot({ path: join(RESULTS, 'graph-empty.png') })

    const { workspaces } = await call(page, 'GET', '/api/me')
    const ws = workspaces[0].id as string
    const counter = (await call(page, 'POST', '/api/panels', { nxml: COUNTER, workspaceId: ws })).id as string
    const todos = (await call(page, 'POST', '/api/panels', { nxml: TODOS, workspaceId: ws })).id as string
    const concept = await call(page, 'POST', `/api/workspaces/${ws}/nog/entities`, {
      name: 'Daily focus',
      category: 'concept',
      tags: ['ideas'],
      description: 'What the team works on today',
      properties: { owner: 'Grace' },
    })
    await call(page, 'POST', `/api/workspaces/${ws}/nog/relationships`, {
      fromId: concept.entity.id,
      toId: `panel:${todos}`,
      type: 'related_to',
    })
    const graph = await call(page, 'GET', `/api/workspaces/${ws}/nog/graph`)
    // Counter: panel, count, double, increment; Todos: panel, items, draft, left, add, clear; the concept.
    expect(graph.entities).toHaveLength(11)

    // The graph reloads on the live channel: every entity a node, every relationship a labelled edge.
    await waitForCounts(page, graph.entities.length, graph.relationships.length).catch((error: Error) => {
      throw new Error(`${error.message}; page problems: ${problems.join(' | ')}`)
    })
    expect(await nodeNames(page)).toEqual(
      [
        'Counter',
        'count',
        'double',
        'increment',
        'Todos',
        'items',
        'draft',
        'left',
        'add',
        'clear',
        'Daily focus',
      ].sort(),
    )
    const labels = await page.locator('.react-flow__edge-text').allTextContents()
    expect(new Set(labels)).toEqual(new Set(['contains', 'produces', 'consumes', 'depends on', 'related to']))
    await page.getByRole('img', { name: 'Graph overview' }).waitFor()
    // Every node lies inside the visible canvas after the fit.
    const canvas = (await page.locator('.graph-canvas').boundingBox())!
    for (const box of await page
      .locator('.react-flow__node')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(box.x >= canvas.x && box.y >= canvas.y).toBe(true)
      expect(box.x + box.width <= canvas.x + canvas.width && box.y + box.height <= canvas.y + canvas.height).toBe(true)
    }
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'graph-light.png') })

    // Edges follow ELK's orthogonal routes; dragging a node off its place turns its edges into curves.
    const related = page.locator('.react-flow__edge', { hasText: 'related to' }).locator('.react-flow__edge-path')
    expect(await related.getAttribute('d')).not.toContain('C')
    const focus = (await page.locator('.react-flow__node', { hasText: 'Daily focus' }).boundingBox())!
    await page.mouse.move(focus.x + focus.width / 2, focus.y + focus.height / 2)
    await page.mouse.down()
    await page.mouse.move(focus.x + focus.width / 2, focus.y + focus.height / 2 + 60, { steps: 5 })
    await page.mouse.up()
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.react-flow__edge')]
          .find((e) => e.textContent === 'related to')
          ?.querySelector('.react-flow__edge-path')
          ?.getAttribute('d')
          ?.includes('C'),
      undefined,
      { timeout: 10_000 },
    )

    // Select a node: its details, properties and relationships.
    await page.locator('.react-flow__node', { hasText: 'Daily focus' }).click()
    const details = page.getByRole('complementary', { name: 'Entity details' })
    await details.getByRole('heading', { name: 'Daily focus' }).waitFor()
    expect(await details.getByRole('list', { name: 'Tags' }).textContent()).toBe('#ideas')
    expect(await details.getByRole('definition').allTextContents()).toEqual(
      expect.arrayContaining(['concept', 'What the team works on today', 'Grace']),
    )
    expect(await details.getByRole('list', { name: 'Relationships' }).textContent()).toBe('related to → Todos')
    expect(await details.getByRole('button', { name: 'Open panel' }).count()).toBe(0)
    // Its neighbourhood stays bright, the rest fades: only Todos is one hop from the concept.
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node:not(.graph-dim)').length === 2)
    const bright = () => page.locator('.react-flow__node:not(.graph-dim) .graph-node__name').allTextContents()
    expect((await bright()).sort()).toEqual(['Daily focus', 'Todos'])
    expect(await page.locator('.react-flow__edge:not(.graph-dim)').count()).toBe(1)
    // Escape on the focused node clears the selection and the pane.
    await page.keyboard.press('Escape')
    await details.waitFor({ state: 'detached', timeout: 10_000 })
    await page.waitForFunction(() => document.querySelectorAll('.graph-dim').length === 0)

    // Filter by category: data off hides the five states and computeds and their edges.
    await page.getByRole('button', { name: /Data/ }).click()
    await waitForCounts(
      page,
      6,
      graph.relationships.filter((r: any) => !/:(state|computed):/.test(r.fromId + r.toId)).length,
    )
    expect(await nodeNames(page)).toEqual(['Counter', 'increment', 'Todos', 'add', 'clear', 'Daily focus'].sort())
    expect(await page.getByRole('status').filter({ hasText: 'of 11 entities' }).textContent()).toBe('6 of 11 entities')
    await page.getByRole('button', { name: /Data/ }).click()
    // By tag, then by name.
    await page.getByRole('button', { name: '#ideas' }).click()
    await waitForCounts(page, 1, 0)
    await page.getByRole('button', { name: '#ideas' }).click()
    await page.getByRole('searchbox', { name: 'Search entities by name' }).fill('coun')
    await waitForCounts(page, 2, 1)
    expect(await nodeNames(page)).toEqual(['Counter', 'count'])
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await waitForCounts(page, graph.entities.length, graph.relationships.length)

    // Live: a third panel appears without a reload.
    const timer = (await call(page, 'POST', '/api/panels', { nxml: TIMER, workspaceId: ws })).id as string
    await waitForCounts(page, graph.entities.length + 3, graph.relationships.length + 4)

    // Dark theme.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'))
    await page.locator('.react-flow__node', { hasText: 'increment' }).click()
    await details.getByRole('heading', { name: 'increment' }).waitFor()
    await page.mouse.move(0, 0)
    await page.screenshot({ path: join(RESULTS, 'graph-dark.png') })
    await page.evaluate(() => delete document.documentElement.dataset.theme)

    // A derived node's details open its panel.
    await details.getByRole('button', { name: 'Open panel' }).click()
    await page.waitForURL(new RegExp(`#/panels/${counter}$`))
    await page.getByRole('button', { name: '+1' }).waitFor({ timeout: 20_000 })

    // Keyboard: Tab reaches the nodes, Enter on a panel node opens it.
    await page.goBack()
    await waitForCounts(page, graph.entities.length + 3, graph.relationships.length + 4)
    await page.getByRole('searchbox', { name: 'Search entities by name' }).fill('Timer')
    await waitForCounts(page, 1, 0)
    await page.getByRole('searchbox', { name: 'Search entities by name' }).focus()
    let focused = ''
    for (let i = 0; i < 20 && !focused.includes('react-flow__node'); i++) {
      await page.keyboard.press('Tab')
      focused = await page.evaluate(() => document.activeElement?.className ?? '')
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Timer')
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
    expect(outline).toBe('solid')
    await page.keyboard.press('Enter')
    await page.waitForURL(new RegExp(`#/panels/${timer}$`))

    // Double-click on a panel node opens it too.
    await page.goBack()
    await page.getByRole('searchbox', { name: 'Search entities by name' }).fill('')
    await waitForCounts(page, graph.entities.length + 3, graph.relationships.length + 4)
    await page.locator('.react-flow__node', { hasText: 'Todos' }).first().dblclick()
    await page.waitForURL(new RegExp(`#/panels/${todos}$`))
    expect(scripts.filter((s) => /elk-worker/.test(s))).toHaveLength(1)
    // The browser logs the refused loads made on purpose above; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 503'))).toEqual([])
  })
})

// The studio in headless Chromium against the real kernel on loopback (issue #14), each row against a peer
// measured in the same run:
// - initial JS gzipped: the entry chunk, its boot import and their static imports from the build's module graph
//   (bench/studio/bundle.ts), checked against the scripts the browser fetched; peer: a minimal React 19 page
//   (bench/studio/hello) built by the same Vite into a temp dir;
// - first contentful paint of the workspace home, logged in, fresh HTTP cache each time; peer: that page;
// - trigger in one page → the value repainted in another (MutationObserver); peer: the same trigger and patch
//   over raw page-side WebSockets, no React;
// - keystroke → diagnostics underlined in the NXML editor on a 20 KB panel, and the lint pass alone (from
//   the editor's lint timer to the underline); peer: the reactor's compileNxml of the same texts in the page;
// - frame times (requestAnimationFrame deltas) while a card is dragged across a canvas of 50 live panels;
//   peer: the same page's frames with nothing moving.
// STUDIO_BENCH_ONLY=bundle (no kernel or browser), =fcp, =repaint, =editor or =drag: that part only (plus the bundle
// row), merged into the stored results.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { build as esbuild } from 'esbuild'
import type { Browser } from 'playwright-core'
import { launchChromium, setEditorText } from '../e2e/harness.ts'
import { compared, machine, median, percentile, save, saveMerged, type Metric } from './lib.ts'
import { freePort, ROOT, spawnKernel, stopAll } from './kernel/processes.ts'
import { COUNTER, OWNER, api, setupOwner } from './kernel/setup.ts'
import { buildAndMeasure, kb, printReport } from './studio/bundle.ts'
import { KEYSTROKE_TARGET, panelOfSize } from './studio/panel20k.ts'
import {
  EDITOR_PROBE,
  clickAt,
  compileTimes,
  firstContentfulPaint,
  newContext,
  nthChange,
  nthFlip,
  openRawSocket,
  rawTrigger,
  scriptsLoaded,
  startFrames,
  stopFrames,
  watchMetric,
} from './studio/probes.ts'
import { serveDir } from './studio/staticServer.ts'

const ONLY = process.env.STUDIO_BENCH_ONLY
const HELLO = 'minimal React 19 + react-dom page (same Vite)'
const RAW_WS = 'raw page-side WebSocket trigger → patch (no rendering)'
const COMPILE = 'compileNxml of the same text alone, in the page'
const FCP_SAMPLES = 15
const TRIGGER_ROUNDS = 4
const TRIGGERS_PER_ROUND = 50
const KEYSTROKES = 60
const CARDS = 50
const DRAGS = 6
const DRAG_STEPS = 60
const IDLE = 'the same canvas, idle (Chromium frame floor)'

const temp: string[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temp.push(dir)
  return dir
}

async function bundleRows(): Promise<{ metrics: Metric[]; initialFiles: string[]; helloDir: string }> {
  const studioRoot = `${ROOT}apps/studio/`
  // Into the studio's own dist: the kernel below serves exactly this build.
  const studio = await buildAndMeasure(studioRoot, `${studioRoot}dist`, { configFile: `${studioRoot}vite.config.ts` })
  printReport(studio, 12)
  const helloDir = tempDir('nexus-bench-hello-')
  const hello = await buildAndMeasure(`${ROOT}bench/studio/hello`, helloDir, { configFile: false, plugins: [react()] })
  console.log(`peer ${HELLO}: ${kb(hello.initialGzip)} gzip`)
  return {
    metrics: [
      compared(
        'initial JS gzipped (first screen: entry, its boot chunk and their static imports)',
        'KB',
        'lower',
        studio.initialGzip / 1024,
        { name: HELLO, value: hello.initialGzip / 1024 },
        { op: '<=', value: 200 },
      ),
    ],
    initialFiles: studio.initial.map((c) => `/${c.file}`).sort(),
    helloDir,
  }
}

/**
 * Owner, API key, three counters (the home is not empty), and the raw peer's counter in a second workspace
 * (so the studio's pages never render the peer's patches).
 */
async function setupKernel(url: string) {
  const { key } = await setupOwner(url)
  const panels: string[] = []
  for (let i = 0; i < 3; i++) panels.push((await api(url, 'POST', '/api/panels', { nxml: COUNTER }, key)).id as string)
  const other = await api(url, 'POST', '/api/workspaces', { name: 'Bench peer' }, key)
  const peerPanel = (await api(url, 'POST', '/api/panels', { nxml: COUNTER, workspaceId: other.id }, key)).id as string
  return { key, panels, peerPanel }
}

async function loggedInState(browser: Browser, url: string) {
  const context = await newContext(browser)
  const res = await context.request.post(`${url}/api/auth/login`, {
    data: { email: OWNER.email, password: OWNER.password },
  })
  if (!res.ok()) throw new Error(`login: ${res.status()} ${await res.text()}`)
  const state = await context.storageState()
  await context.close()
  return state
}

async function fcpRows(
  browser: Browser,
  url: string,
  helloUrl: string,
  state: Awaited<ReturnType<typeof loggedInState>>,
  initialFiles: string[],
): Promise<{ metrics: Metric[]; fetched: string[] }> {
  let fetched: string[] = []
  const ours: number[] = []
  const peer: number[] = []
  for (let i = 0; i < FCP_SAMPLES + 1; i++) {
    for (const side of ['ours', 'peer'] as const) {
      const context = await newContext(browser, side === 'ours' ? state : undefined)
      const page = await context.newPage()
      await page.goto(side === 'ours' ? `${url}/#/` : helloUrl)
      const fcp = await firstContentfulPaint(page)
      if (side === 'ours') {
        // Logged in and at home: a panel's title is on screen, not the login form.
        await page.getByText('Counter').first().waitFor({ timeout: 20_000 })
        if (i === 0) {
          await page.waitForLoadState('networkidle')
          fetched = (await scriptsLoaded(page)).filter((p) => p.startsWith('/assets/'))
          const missing = initialFiles.filter((f) => !fetched.includes(f))
          const extra = fetched.filter((f) => !initialFiles.includes(f))
          console.log(`home fetched ${fetched.join(', ')}`)
          if (missing.length) throw new Error(`the home did not load the initial chunks ${missing.join(', ')}`)
          if (extra.length) console.log(`  loaded on demand by the home too: ${extra.join(', ')}`)
        }
      } else await page.getByRole('heading', { name: 'Hello' }).waitFor()
      if (i > 0) (side === 'ours' ? ours : peer).push(fcp) // the first pair warms the server and Chromium
      await context.close()
    }
  }
  console.log(`FCP ours p50 ${median(ours).toFixed(1)} ms, peer ${median(peer).toFixed(1)} ms`)
  const metrics = [
    compared(
      'first contentful paint, workspace home (logged in) p50',
      'ms',
      'lower',
      median(ours),
      {
        name: HELLO,
        value: median(peer),
      },
      { op: '<=', value: 1000 },
    ),
  ]
  return { metrics, fetched }
}

/** The gzipped size of built files (paths under the studio's dist). */
function gzipOf(files: string[]): number {
  return files.reduce((n, f) => n + gzipSync(readFileSync(`${ROOT}apps/studio/dist${f}`), { level: 9 }).length, 0)
}

async function repaintRows(
  where: { route: string; label: string },
  browser: Browser,
  url: string,
  key: string,
  peerPanel: string,
  state: Awaited<ReturnType<typeof loggedInState>>,
): Promise<Metric[]> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`
  const contexts = await Promise.all([0, 1].map(() => newContext(browser, state)))
  const [a, b] = await Promise.all(contexts.map((c) => c.newPage()))
  for (const page of [a!, b!]) {
    await page.goto(`${url}/#${where.route}`)
    await page.getByRole('button', { name: '+1' }).first().waitFor({ timeout: 20_000 })
    await page.locator('[data-nx="Metric"] .nx-metric__value').first().waitFor()
  }
  const raw = await Promise.all(contexts.map((c) => c.newPage()))
  for (const page of raw) await page.goto(`${url}/api/health`)
  await openRawSocket(raw[0]!, wsUrl, key, `panel:${peerPanel}`)
  await openRawSocket(raw[1]!, wsUrl, key)
  await watchMetric(a!)
  await watchMetric(b!)
  const readValue = () => b!.locator('[data-nx="Metric"] .nx-metric__value').first().textContent()
  const before = Number(await readValue())

  const ours: number[] = []
  const peer: number[] = []
  let n = 0
  let m = 0
  const oneOurs = async () => {
    const sent = await clickAt(a!, '+1')
    n++
    const seen = await nthChange(b!, n)
    await nthChange(a!, n) // both pages settled before the next click
    return seen.at - sent
  }
  const onePeer = async () => {
    m++
    const sent = await rawTrigger(raw[1]!, peerPanel, 'increment', m)
    const seen = await nthChange(raw[0]!, m)
    return seen.at - sent
  }
  for (let i = 0; i < 20; i++) {
    await oneOurs()
    await onePeer()
  }
  ours.length = 0
  for (let r = 0; r < TRIGGER_ROUNDS; r++) {
    const o: number[] = []
    const p: number[] = []
    for (let i = 0; i < TRIGGERS_PER_ROUND; i++) o.push(await oneOurs())
    for (let i = 0; i < TRIGGERS_PER_ROUND; i++) p.push(await onePeer())
    ours.push(...o)
    peer.push(...p)
    console.log(
      `round ${r + 1}: trigger → repaint p50 ${median(o).toFixed(2)} ms (raw ${median(p).toFixed(2)} ms), p99 ${percentile(o, 99).toFixed(2)} ms (raw ${percentile(p, 99).toFixed(2)} ms)`,
    )
  }
  const last = Number(await readValue())
  if (last !== before + n) throw new Error(`the observing page shows ${last} after ${n} triggers from ${before}`)
  await b!.screenshot({
    path: join(ROOT, 'test-results', `bench-studio-repaint-${where.route === '/' ? 'canvas' : 'panel'}.png`),
  })
  for (const c of contexts) await c.close()
  const row = (name: string, pick: (xs: number[]) => number, goal: Metric['goal']) =>
    compared(name, 'ms', 'lower', pick(ours), { name: RAW_WS, value: pick(peer) }, goal)
  return [
    row(`trigger in one page → repaint in another p50, ${where.label}, ${ours.length} triggers`, median, {
      op: '<=',
      ratio: 2,
    }),
    row(
      `trigger in one page → repaint in another p99, ${where.label}, ${ours.length} triggers`,
      (xs) => percentile(xs, 99),
      {
        op: '<=',
        ratio: 2,
      },
    ),
  ]
}

async function editorRows(
  browser: Browser,
  url: string,
  panelId: string,
  state: Awaited<ReturnType<typeof loggedInState>>,
): Promise<Metric[]> {
  const text = panelOfSize(20_000)
  const at = text.indexOf(KEYSTROKE_TARGET) + KEYSTROKE_TARGET.length - 1 // after `number`, before the quote
  const typo = text.slice(0, at) + 'x' + text.slice(at)
  const context = await newContext(browser, state)
  await context.addInitScript(EDITOR_PROBE)
  const page = await context.newPage()
  // "Edit NXML" on a panel's page (the canvas home opens the editor in its "New panel" dialog only).
  await page.goto(`${url}/#/panels/${panelId}`)
  await page.getByRole('button', { name: 'Edit NXML' }).click()
  await setEditorText(page, text)
  await page.waitForFunction(() => {
    const root = document.querySelector('.nxml-editor')?.shadowRoot
    return !!root?.querySelector('.cm-content') && !root.querySelector('.cm-lintRange-error')
  })
  // The cursor after `number` of the first state, on the editor's third line (the paste left it at the end).
  await page.keyboard.press('ControlOrMeta+Home')
  const line = page.locator('.cm-content > .cm-line', { hasText: KEYSTROKE_TARGET }).first()
  await line.click()
  await page.keyboard.press('End')
  const content = (await line.textContent()) ?? ''
  const left = content.length - (content.indexOf(KEYSTROKE_TARGET) + KEYSTROKE_TARGET.length - 1)
  for (let i = 0; i < left; i++) await page.keyboard.press('ArrowLeft')
  let flips = await page.evaluate(() => (window as unknown as { flips: unknown[] }).flips.length)
  const keystroke: number[] = []
  const pass: number[] = []
  for (let i = 0; i < KEYSTROKES; i++) {
    await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace')
    const { flip, key } = await nthFlip(page, ++flips)
    if (flip.error !== (i % 2 === 0)) throw new Error(`keystroke ${i}: underline ${flip.error ? 'shown' : 'gone'}`)
    keystroke.push(flip.at - key)
    pass.push(flip.at - flip.timer)
    if (i === 0) await page.screenshot({ path: join(ROOT, 'test-results', 'bench-studio-editor-typo.png') })
  }
  // The peer: the same two texts compiled alone, in this page.
  const bundle = await esbuild({
    entryPoints: [`${ROOT}bench/studio/compileEntry.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['@nexus/source'],
    minify: true,
  })
  await page.evaluate(bundle.outputFiles[0]!.text)
  await compileTimes(page, [text, typo], 40) // warm
  const compile = await compileTimes(page, [text, typo], KEYSTROKES * 4)
  await context.close()
  console.log(
    `keystroke → diagnostics p50 ${median(keystroke).toFixed(1)}, p95 ${percentile(keystroke, 95).toFixed(1)} ms; lint pass p50 ${median(pass).toFixed(1)}, p95 ${percentile(pass, 95).toFixed(1)} ms; compileNxml p50 ${median(compile).toFixed(2)}, p95 ${percentile(compile, 95).toFixed(2)} ms`,
  )
  const kbText = `${(text.length / 1024).toFixed(0)} KB panel`
  const p95 = { name: COMPILE, value: percentile(compile, 95) }
  const p50 = { name: COMPILE, value: median(compile) }
  const goal = { op: '<=', value: 16 } as const
  return [
    compared(
      `keystroke → diagnostics underlined p95, ${kbText} (no lint pause)`,
      'ms',
      'lower',
      percentile(keystroke, 95),
      p95,
      goal,
    ),
    compared(
      `lint pass → diagnostics underlined p50, ${kbText} (from the lint timer)`,
      'ms',
      'lower',
      median(pass),
      p50,
      goal,
    ),
    compared(
      `lint pass → diagnostics underlined p95, ${kbText} (from the lint timer)`,
      'ms',
      'lower',
      percentile(pass, 95),
      p95,
      goal,
    ),
  ]
}

/**
 * Frame times while a card is dragged by its title bar across a canvas of 50 live panels (scripted pointer
 * moves, one per CDP round trip), against the same page's frames with nothing moving.
 */
async function dragRows(
  browser: Browser,
  url: string,
  key: string,
  homePanel: string,
  state: Awaited<ReturnType<typeof loggedInState>>,
): Promise<Metric[]> {
  // The home's workspace (the raw peer's counter lives in another one) filled up to 50 panels.
  const { panels } = (await api(url, 'GET', '/api/panels', undefined, key)) as {
    panels: { id: string; workspaceId: string }[]
  }
  const workspaceId = panels.find((p) => p.id === homePanel)!.workspaceId
  const shown = panels.filter((p) => p.workspaceId === workspaceId).length
  for (let i = shown; i < CARDS; i++) {
    const nxml = COUNTER.replace('title="Counter"', `title="Load ${i}"`)
    await api(url, 'POST', '/api/panels', { nxml, workspaceId }, key)
  }
  const context = await newContext(browser, state)
  const page = await context.newPage()
  await page.goto(`${url}/#/`)
  await page.waitForFunction((n) => document.querySelectorAll('.canvas [data-card-id] .nx-panel').length === n, CARDS, {
    timeout: 120_000,
  })
  const handle = page.locator('[data-card-id] .canvas-card__bar .canvas-card__version').first()
  const dragged: number[] = []
  const idle: number[] = []
  for (let r = 0; r < DRAGS; r++) {
    await startFrames(page)
    const box = (await handle.boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    // Out and back (the drop lands where it started, so every round starts alike).
    await page.mouse.move(x + 400, y + 240, { steps: DRAG_STEPS })
    await page.mouse.move(x, y, { steps: DRAG_STEPS })
    await page.mouse.up()
    const frames = await stopFrames(page)
    dragged.push(...frames)
    // As many idle frames, nothing moving.
    await startFrames(page)
    await page.waitForFunction((n) => (window as unknown as { frames: number[] }).frames.length >= n, frames.length, {
      timeout: 60_000,
    })
    idle.push(...(await stopFrames(page)))
    console.log(
      `drag ${r + 1}: ${frames.length} frames, p95 ${percentile(frames, 95).toFixed(1)} ms (idle p95 ${percentile(idle, 95).toFixed(1)} ms)`,
    )
  }
  await page.mouse.move(0, 0)
  await page.screenshot({ path: join(ROOT, 'test-results', 'bench-studio-canvas-50.png') })
  await context.close()
  const row = (name: string, pick: (xs: number[]) => number) =>
    compared(name, 'ms', 'lower', pick(dragged), { name: IDLE, value: pick(idle) }, { op: '<=', value: 16.7 })
  return [
    row(`frame time while dragging a card, canvas of ${CARDS} live panels p50`, median),
    row(`frame time while dragging a card, canvas of ${CARDS} live panels p95`, (xs) => percentile(xs, 95)),
  ]
}

try {
  const bundle = await bundleRows()
  if (ONLY === 'bundle') saveMerged('studio', bundle.metrics)
  else {
    const { url } = await spawnKernel(await freePort(), tempDir('nexus-bench-studio-'))
    const { key, panels, peerPanel } = await setupKernel(url)
    const hello = await serveDir(bundle.helloDir)
    const browser = await launchChromium()
    try {
      const state = await loggedInState(browser, url)
      const metrics = [...bundle.metrics]
      const want = (part: string) => !ONLY || ONLY === part
      if (want('fcp')) {
        const fcp = await fcpRows(browser, url, hello.url, state, bundle.initialFiles)
        metrics.push(
          compared(
            'JS the workspace home fetched, gzipped (initial + chunks it loads at once)',
            'KB',
            'lower',
            gzipOf(fcp.fetched) / 1024,
            { name: HELLO, value: bundle.metrics[0]!.peer!.value },
            { op: '<=', value: 200 },
          ),
          ...fcp.metrics,
        )
      }
      if (want('repaint')) {
        const canvas = { route: '/', label: 'canvas home (3 live cards)' }
        const panelPage = { route: `/panels/${panels[0]!}`, label: 'panel page (with its timeline)' }
        for (const where of [canvas, panelPage])
          metrics.push(...(await repaintRows(where, browser, url, key, peerPanel, state)))
      }
      if (want('editor')) metrics.push(...(await editorRows(browser, url, panels[1]!, state)))
      if (want('drag')) metrics.push(...(await dragRows(browser, url, key, panels[0]!, state)))
      if (ONLY) saveMerged('studio', metrics)
      else save({ name: 'studio', date: new Date().toISOString(), machine: machine(), metrics })
    } finally {
      await browser.close()
      hello.server.close()
    }
  }
} finally {
  await stopAll()
  for (const dir of temp) rmSync(dir, { recursive: true, force: true })
}

// The rows measured in Chromium. Every time is taken inside the pages (performance.now, and timeOrigin +
// now across two pages of one browser); the bench process only sequences the steps, so its own latency
// (CDP round trips) never enters a figure.
import type { Browser, BrowserContext, Page } from 'playwright-core'

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>

/** tsx compiles the bench with esbuild's keepNames: functions handed to `evaluate` may call `__name`. */
const KEEP_NAMES_SHIM = 'globalThis.__name = (f) => f'

export async function newContext(browser: Browser, storageState?: StorageState): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState })
  await context.addInitScript(KEEP_NAMES_SHIM)
  return context
}

/** The page's first contentful paint (ms from navigation start), from the buffered 'paint' entries. */
export function firstContentfulPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') resolve(e.startTime)
        }).observe({ type: 'paint', buffered: true })
      }),
  )
}

/** The JS files a page fetched (path names), for checking the static module graph against the browser. */
export function scriptsLoaded(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.js'))
      .sort(),
  )
}

/** In the observing page: records (timeOrigin-based) when the first Metric value's text changes. */
export function watchMetric(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { seen: { value: string; at: number }[] }
    w.seen = []
    const read = () => document.querySelector('[data-nx="Metric"] .nx-metric__value')?.textContent ?? ''
    let last = read()
    new MutationObserver(() => {
      const value = read()
      if (value === last) return
      last = value
      w.seen.push({ value, at: performance.timeOrigin + performance.now() })
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
}

/** Clicks the `label` button from inside the page; the click's time (timeOrigin-based). */
export function clickAt(page: Page, label: string): Promise<number> {
  return page.evaluate((name) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === name)
    if (!button) throw new Error(`no button "${name}"`)
    const at = performance.timeOrigin + performance.now()
    button.click()
    return at
  }, label)
}

/** Waits until the observing page has seen `n` changes; the `n`th one. */
export async function nthChange(page: Page, n: number): Promise<{ value: string; at: number }> {
  await page.waitForFunction((k) => (window as unknown as { seen: unknown[] }).seen.length >= k, n, {
    timeout: 20_000,
    polling: 'raf',
  })
  return page.evaluate((k) => (window as unknown as { seen: { value: string; at: number }[] }).seen[k - 1]!, n)
}

/**
 * A raw page-side WebSocket to the kernel (no React, no studio code): authenticated with `hello`, and when
 * `channel` is given subscribed to it, recording when each patch frame arrives.
 */
export function openRawSocket(page: Page, wsUrl: string, token: string, channel?: string): Promise<void> {
  return page.evaluate(
    ({ wsUrl, token, channel }) =>
      new Promise<void>((resolve, reject) => {
        const w = window as unknown as { socket: WebSocket; seen: { value: string; at: number }[] }
        w.seen = []
        const socket = new WebSocket(wsUrl)
        w.socket = socket
        socket.onerror = () => reject(new Error('raw socket failed'))
        socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', reqId: 'hello', token }))
        socket.onmessage = (event) => {
          const at = performance.timeOrigin + performance.now()
          const m = JSON.parse(event.data as string) as { type: string; reqId?: string; version?: number }
          if (m.type === 'patch') w.seen.push({ value: String(m.version), at })
          else if (m.type === 'error') reject(new Error(event.data as string))
          else if (m.type === 'ack' && m.reqId === 'hello') {
            if (!channel) resolve()
            else socket.send(JSON.stringify({ type: 'subscribe', reqId: 'sub', channel }))
          } else if (m.type === 'ack' && m.reqId === 'sub') resolve()
        }
      }),
    { wsUrl, token, channel },
  )
}

/** Sends one trigger on the page's raw socket; the send's time (timeOrigin-based). */
export function rawTrigger(page: Page, panelId: string, tool: string, n: number): Promise<number> {
  return page.evaluate(
    ({ panelId, tool, n }) => {
      const socket = (window as unknown as { socket: WebSocket }).socket
      const at = performance.timeOrigin + performance.now()
      socket.send(JSON.stringify({ type: 'trigger', reqId: `t${n}`, panelId, tool, args: { step: 1 } }))
      return at
    },
    { panelId, tool, n },
  )
}

/**
 * Instruments the editor's page (before its scripts run): every keydown's event time, the start of every
 * timer callback (CodeMirror's lint pass runs from one), and each flip of "an error is underlined" in the
 * editor's shadow root, with the last timer start before it.
 */
export const EDITOR_PROBE = `(() => {
  const w = window
  w.keys = []
  w.flips = []
  w.lastTimer = 0
  const setTimeoutOriginal = w.setTimeout
  w.setTimeout = function (fn, delay, ...rest) {
    if (typeof fn !== 'function') return setTimeoutOriginal(fn, delay, ...rest)
    return setTimeoutOriginal(function (...a) { w.lastTimer = performance.now(); return fn.apply(this, a) }, delay, ...rest)
  }
  addEventListener('keydown', (e) => w.keys.push(e.timeStamp), true)
  let observed = null
  let state = false
  const check = () => {
    const host = document.querySelector('.nxml-editor')
    const root = host && host.shadowRoot
    if (!root) return
    if (observed !== root) {
      observed = root
      new MutationObserver(check).observe(root, { subtree: true, childList: true, attributes: true })
    }
    const now = !!root.querySelector('.cm-lintRange-error')
    if (now !== state) {
      state = now
      w.flips.push({ error: now, at: performance.now(), timer: w.lastTimer })
    }
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true })
})()`

export interface Flip {
  error: boolean
  at: number
  timer: number
}

/** Waits for the `n`th flip of the editor's error underline; that flip and the last keydown's time. */
export async function nthFlip(page: Page, n: number): Promise<{ flip: Flip; key: number }> {
  await page.waitForFunction((k) => (window as unknown as { flips: unknown[] }).flips.length >= k, n, {
    timeout: 20_000,
  })
  return page.evaluate((k) => {
    const w = window as unknown as { flips: Flip[]; keys: number[] }
    return { flip: w.flips[k - 1]!, key: w.keys[w.keys.length - 1]! }
  }, n)
}

/** compileNxml (bundled into the page) on the two texts, alternating; each call's time in ms. */
export function compileTimes(page: Page, texts: [string, string], calls: number): Promise<number[]> {
  return page.evaluate(
    ({ texts, calls }) => {
      const compile = (globalThis as unknown as { nexusCompileNxml: (t: string) => unknown }).nexusCompileNxml
      const out: number[] = []
      for (let i = 0; i < calls; i++) {
        const t = performance.now()
        compile(texts[i % 2]!)
        out.push(performance.now() - t)
      }
      return out
    },
    { texts, calls },
  )
}

/** Starts recording requestAnimationFrame deltas (ms) in the page, until `stopFrames`. */
export function startFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { frames: number[]; framesOn: boolean }
    w.frames = []
    w.framesOn = true
    let last = 0
    const tick = (t: number) => {
      if (!w.framesOn) return
      if (last) w.frames.push(t - last)
      last = t
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
}

export function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { frames: number[]; framesOn: boolean }
    w.framesOn = false
    return w.frames
  })
}

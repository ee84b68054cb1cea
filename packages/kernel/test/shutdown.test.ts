import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { connect as dial, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import WsClient from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '@nexus/protocol'
import { TrilogStore } from '@nexus/trilog'
import { launchChromium } from '../../../e2e/harness.ts'
import { startKernel } from '../src/index.ts'
import { COUNTER, OWNER, api, startTestKernel } from './helpers.ts'
import { createDatabase } from './postgres.ts'
import { freePort, spawnKernel, stopKernel } from './process.ts'

const DEADLINE_MS = 3_000
/** Triggers queued on the slow panel: each takes at least the sandbox's 1 s, far past the deadline together. */
const SLOW_TRIGGERS = 100
/** Counter changes acknowledged just before the signal, so their TriLog writes are still being relayed. */
const CHANGES = 300

const SLOW = `<NexusPanel title="Slow" version="1.0.0">
  <Data><State name="status" type="number" default="0" /></Data>
  <Logic>
    <Extension name="nexus.http" alias="http" />
    <Tool name="load">
      <Arg name="url" type="string" />
      <Capabilities>
        <Capability type="ext" scope="http" />
        <Capability type="net" scope="127.0.0.1" />
        <Capability type="state:write" scope="status" />
      </Capabilities>
      <Handler>
        const r = await $ext.http.get($args.url)
        $state.status = r.status
      </Handler>
    </Tool>
  </Logic>
  <View><Text content="Slow" /></View>
</NexusPanel>`

/** A WebSocket client in this process, authenticated by header, recording what it receives and its close code. */
async function connect(url: string, token: string) {
  const socket = new WsClient(url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${token}` } })
  const messages: ServerMessage[] = []
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage))
  const closed = new Promise<number>((resolve) => socket.once('close', resolve))
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  return { socket, messages, closed }
}

/** A WebSocket peer that completes the handshake, then never reads again nor answers a close: a frozen tab. */
async function frozenPeer(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  const socket = dial(Number(port), hostname)
  await new Promise((resolve) => socket.once('connect', resolve))
  const key = randomBytes(16).toString('base64')
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  const answer = await new Promise<Buffer>((resolve) => socket.once('data', resolve))
  expect(answer.toString()).toMatch(/^HTTP\/1\.1 101 /)
  socket.pause()
  return socket
}

/** Resolves with the process's exit code, or rejects if it is still alive after `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the kernel was still running ${ms} ms after SIGTERM`)), ms)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

describe('shutdown with everything still pending', () => {
  let browser: Browser | undefined
  let kernel: ChildProcess | undefined
  let slow: Server | undefined
  const held = new Set<Socket>()
  afterAll(async () => {
    await browser?.close()
    if (kernel) await stopKernel(kernel, 'SIGKILL')
    for (const socket of held) socket.destroy()
    slow?.close()
  })

  it('exits 0 within its deadline after WebSocket and Chromium clients, running handlers and TriLog writes, losing nothing acknowledged', async () => {
    // A server that never answers: every handler calling it waits until the sandbox's deadline.
    let requests = 0
    let firstRequest!: () => void
    const reached = new Promise<void>((resolve) => (firstRequest = resolve))
    slow = createServer(() => {
      requests++
      firstRequest()
    })
    slow.on('connection', (socket) => held.add(socket))
    await new Promise<void>((resolve) => slow!.listen(0, '127.0.0.1', resolve))
    const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/never`

    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-shutdown-'))
    const port = await freePort()
    const env = {
      NEXUS_SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
      NEXUS_HTTP_ALLOW_PRIVATE: '1',
      NEXUS_WS_RATE_LIMIT: '100000',
    }
    let url: string
    ;({ url, process: kernel } = await spawnKernel(port, dataDir, env))
    let output = ''
    kernel.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    kernel.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))

    const json = { 'content-type': 'application/json' }
    const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: json, body: JSON.stringify(OWNER) })
    const { accessToken } = (await setup.json()) as { accessToken: string }
    const auth = { ...json, authorization: `Bearer ${accessToken}` }
    const create = async (nxml: string) =>
      (
        (await (
          await fetch(`${url}/api/panels`, { method: 'POST', headers: auth, body: JSON.stringify({ nxml }) })
        ).json()) as { id: string }
      ).id
    const counterId = await create(COUNTER)
    const slowId = await create(SLOW)

    // Three clients in this process, subscribed to the counter, and one that will never answer the close.
    const clients = await Promise.all([1, 2, 3].map(() => connect(url, accessToken)))
    held.add(await frozenPeer(url))
    for (const [i, c] of clients.entries())
      c.socket.send(JSON.stringify({ type: 'subscribe', reqId: `s${i}`, channel: `panel:${counterId}` }))

    // A Chromium page on the kernel's origin, subscribed too, reconnecting whenever its socket closes (as the
    // studio does): reconnects during shutdown must not keep the kernel alive.
    browser = await launchChromium()
    const page = await browser.newPage()
    await page.goto(`${url}/healthz`)
    await page.evaluate(
      ({ token, channel }) => {
        const w = window as unknown as { closeCodes: number[]; subscribed: boolean }
        w.closeCodes = []
        const open = () => {
          const socket = new WebSocket(location.origin.replace('http', 'ws') + '/ws')
          socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', reqId: 'h', token }))
          socket.onmessage = (event) => {
            const { reqId } = JSON.parse(String(event.data)) as { reqId?: string }
            if (reqId === 'h') socket.send(JSON.stringify({ type: 'subscribe', reqId: 's', channel }))
            if (reqId === 's') w.subscribed = true
          }
          socket.onclose = (event) => {
            w.closeCodes.push(event.code)
            setTimeout(open, 50)
          }
        }
        open()
      },
      { token: accessToken, channel: `panel:${counterId}` },
    )
    // Generous: with every core busy (CI runs this suite under stress-ng) Chromium's first connect is slow.
    await page.waitForFunction(() => (window as unknown as { subscribed?: boolean }).subscribed === true, undefined, {
      timeout: 120_000,
    })

    // Handlers running and queued: the first is waiting on the slow server.
    for (let i = 0; i < SLOW_TRIGGERS; i++)
      clients[0]!.socket.send(
        JSON.stringify({ type: 'trigger', reqId: `slow${i}`, panelId: slowId, tool: 'load', args: { url: slowUrl } }),
      )
    await reached

    // Changes acknowledged, their history events on their way to TriLog.
    const writer = clients[1]!
    for (let i = 0; i < CHANGES; i++)
      writer.socket.send(JSON.stringify({ type: 'trigger', reqId: `c${i}`, panelId: counterId, tool: 'increment' }))
    await expect
      .poll(() => writer.messages.filter((m) => m.type === 'ack' && m.reqId?.startsWith('c')).length, {
        timeout: 60_000,
      })
      .toBe(CHANGES)

    kernel.kill('SIGTERM')
    expect(await exitWithin(kernel, DEADLINE_MS + 20_000)).toBe(0)

    const line =
      /\[kernel\] shutdown cut short at its (\d+) ms deadline: (\d+) handler runs stopped \(running or queued\), (\d+) TriLog writes left in the outbox for the next start, (\d+) WebSocket clients terminated without closing \((\d+) sent away with 1001\)/.exec(
        output,
      )
    expect(line, output).not.toBeNull()
    const [, deadline, handlers, , terminated, sentAway] = line!.map(Number)
    expect(deadline).toBe(DEADLINE_MS)
    expect(handlers).toBeGreaterThan(0)
    expect(handlers).toBeLessThanOrEqual(SLOW_TRIGGERS)
    expect(sentAway).toBe(5) // three here, the frozen one and the page's
    expect(terminated).toBe(1) // the frozen one; the others answered the close
    for (const c of clients) expect(await c.closed).toBe(1001)
    expect(await page.evaluate(() => (window as unknown as { closeCodes: number[] }).closeCodes[0])).toBe(1001)
    expect(requests).toBeGreaterThan(0)

    // Nothing acknowledged was lost: the next kernel (started at once: the lock went with the process) has every
    // change, in its state and in TriLog (what the relay had not sent waited in the outbox); no slow run applied.
    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    const get = async (path: string) => (await fetch(`${url}${path}`, { headers: auth })).json()
    const counter = (await get(`/api/panels/${counterId}`)) as { version: number; state: { count: number } }
    expect(counter).toMatchObject({ version: CHANGES, state: { count: CHANGES } })
    expect(await get(`/api/panels/${slowId}`)).toMatchObject({ version: 0, state: { status: 0 } })
    const versions: number[] = []
    for (let offset: number | undefined = 0; offset !== undefined;) {
      const page = (await get(`/api/panels/${counterId}/timeline?offset=${offset}&limit=1000`)) as {
        entries: { kind: string; attrs: { version?: number } }[]
        nextOffset?: number
      }
      for (const e of page.entries) if (e.kind === 'state_change') versions.push(e.attrs.version!)
      offset = page.nextOffset
    }
    expect(versions).toEqual(Array.from({ length: CHANGES }, (_, i) => i + 1))
  }, 360_000)
})

describe('shutdown while TriLog refuses writes', () => {
  it('says how many history events wait in the outbox, and the next start relays them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-shutdown-'))
    const trilogDir = mkdtempSync(join(tmpdir(), 'nexus-shutdown-trilog-'))
    // On the services run, both kernels share a PostgreSQL database instead.
    const pgAdmin = process.env.NEXUS_TEST_POSTGRES
    const databaseUrl = pgAdmin ? await createDatabase(pgAdmin, `nexus_${randomBytes(6).toString('hex')}`) : undefined
    const first = await startTestKernel({ dataDir, trilogDir, databaseUrl })
    // The kernel's own chDB directory, opened again in this process: the same tables.
    const store = await TrilogStore.open({ dataDir: trilogDir })
    const id = (await api(first.kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id as string
    // A history read waits for the relay: the creation's events are in TriLog before the table goes away.
    expect((await api(first.kernel, 'GET', `/api/panels/${id}/timeline`)).status).toBe(200)
    await store.client.command({ query: 'RENAME TABLE trilog_events TO trilog_events_away' })
    for (let i = 0; i < 5; i++) {
      const { status } = await api(first.kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment' })
      expect(status).toBe(200)
    }
    await first.kernel.close()
    const report = await first.kernel.stopped
    expect(report.cutShort).toBe(
      '[kernel] shutdown left work for the next start before its 10000 ms deadline: 0 handler runs stopped ' +
        '(running or queued), 5 TriLog writes left in the outbox for the next start, 0 WebSocket clients ' +
        'terminated without closing (0 sent away with 1001)',
    )

    await store.client.command({ query: 'RENAME TABLE trilog_events_away TO trilog_events' })
    const second = await startKernel({ host: '127.0.0.1', port: 0, dataDir, trilogDir, databaseUrl })
    const timeline = await api(second, 'GET', `/api/panels/${id}/timeline`, undefined, first.ownerKey)
    const changes = timeline.body.entries.filter((e: { kind: string }) => e.kind === 'state_change')
    expect(changes.map((e: { attrs: { version: number } }) => e.attrs.version)).toEqual([1, 2, 3, 4, 5])
    await second.close()
    await store.close()
  }, 60_000)
})

describe('a second signal', () => {
  let kernel: ChildProcess | undefined
  let frozen: Socket | undefined
  afterAll(async () => {
    if (kernel) await stopKernel(kernel, 'SIGKILL')
    frozen?.destroy()
  })

  it('exits at once while the first is still waiting for a client', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-shutdown-'))
    let url: string
    ;({ url, process: kernel } = await spawnKernel(await freePort(), dataDir, { NEXUS_SHUTDOWN_TIMEOUT_MS: '600000' }))
    let output = ''
    kernel.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    kernel.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    // Its close is never answered: the first SIGTERM waits for it (ws gives up after 30 s).
    frozen = await frozenPeer(url)
    const exited = exitWithin(kernel, 60_000)

    kernel.kill('SIGTERM')
    await expect.poll(() => output, { timeout: 30_000 }).toContain('[kernel] SIGTERM: stopping (deadline 600000 ms')
    // One Ctrl+C can arrive twice at once (terminal and `npm start`): only a signal a second later counts.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    kernel.kill('SIGTERM')
    expect(await exited).toBe(1)
    expect(output).toContain('[kernel] SIGTERM again: exiting now')
  }, 120_000)
})

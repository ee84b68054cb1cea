import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '@nexus/protocol'
import { Trilog, TrilogStore, type TrilogEvent } from '@nexus/trilog'
import { openDatabase } from '../../src/db/openDatabase.ts'
import { KernelMetrics } from '../../src/metrics.ts'
import { HistoryRelay } from '../../src/panels/HistoryOutbox.ts'
import { COUNTER, OWNER } from '../helpers.ts'
import { freePort, spawnKernel, stopKernel } from '../process.ts'

// Finding 9: after SIGKILL during a burst, history had 36 of 84 acknowledged changes (TriLog buffered them in
// memory). Each change's history event is now committed with it into `trilog_outbox` and relayed from there.

const BURST = 3000
const KILL_AFTER_ACKS = 300
/** Triggers sent and not yet answered: the kill lands mid-burst however fast the kernel commits. */
const IN_FLIGHT = 100

interface TimelinePage {
  entries: { kind: string; seq: number; attrs: { version?: number } }[]
  nextOffset?: number
}

describe('history after SIGKILL during a burst of triggers', () => {
  let kernel: ChildProcess | undefined
  afterAll(async () => {
    if (kernel) await stopKernel(kernel)
  })

  it('has every acknowledged change exactly once, and state?at=now equals the live state', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-history-crash-'))
    const port = await freePort()
    let url: string
    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    const json = { 'content-type': 'application/json' }
    const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: json, body: JSON.stringify(OWNER) })
    const { accessToken } = (await setup.json()) as { accessToken: string }
    const auth = { authorization: `Bearer ${accessToken}` }
    const created = await fetch(`${url}/api/panels`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ nxml: COUNTER }),
    })
    const { id } = (await created.json()) as { id: string }

    const socket = new WebSocket(url.replace('http', 'ws') + '/ws', { headers: auth })
    await new Promise((resolve) => socket.once('open', resolve))
    const acked = new Set<number>()
    let sent = 0
    const send = () => {
      while (sent < BURST && sent - acked.size < IN_FLIGHT)
        socket.send(JSON.stringify({ type: 'trigger', reqId: `t${sent++}`, panelId: id, tool: 'increment' }))
    }
    const killed = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as ServerMessage
        if (m.type !== 'ack' || typeof m.result !== 'object' || m.result === null) return
        acked.add((m.result as { version: number }).version)
        if (acked.size === KILL_AFTER_ACKS) {
          kernel!.kill('SIGKILL')
          resolve()
        } else if (acked.size < KILL_AFTER_ACKS) send()
      })
    })
    send()
    await killed
    await new Promise((resolve) => kernel!.once('exit', resolve))
    socket.terminate()

    ;({ url, process: kernel } = await spawnKernel(port, dataDir))
    const panel = (await (await fetch(`${url}/api/panels/${id}`, { headers: auth })).json()) as {
      version: number
      state: { count: number }
    }
    expect(panel.version).toBeGreaterThanOrEqual(KILL_AFTER_ACKS)

    // Reads wait for the relay, which first re-sends what the killed process left in the outbox.
    const at = await fetch(`${url}/api/panels/${id}/state?at=${Date.now()}`, { headers: auth })
    expect(at.status).toBe(200)
    expect(((await at.json()) as { state: unknown }).state).toEqual(panel.state)

    const versions: number[] = []
    const snapshots: number[] = []
    for (let offset: number | undefined = 0; offset !== undefined;) {
      const res = await fetch(`${url}/api/panels/${id}/timeline?offset=${offset}&limit=1000`, { headers: auth })
      const page = (await res.json()) as TimelinePage
      for (const e of page.entries) {
        if (e.kind === 'state_change') versions.push(e.attrs.version!)
        if (e.kind === 'snapshot') snapshots.push(e.seq)
      }
      offset = page.nextOffset
    }
    expect(snapshots).toEqual([0])
    // Every stored version once, in order: so every acknowledged one (a change applied but not yet
    // acknowledged when the process died is stored, and in history, too).
    expect(versions).toEqual(Array.from({ length: panel.version }, (_, i) => i + 1))
    expect([...acked].filter((v) => !versions.includes(v))).toEqual([])

    await stopKernel(kernel)
    const db = new Database(join(dataDir, 'nexus.db'), { readonly: true })
    expect(db.prepare('select count(*) as n from trilog_outbox').get()).toEqual({ n: 0 })
    db.close()
  }, 180_000)
})

describe('HistoryRelay on real SQLite and chDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-relay-'))
  let store: TrilogStore
  let telemetry: Trilog
  beforeAll(async () => {
    // chDB binds one directory per process: every test here shares this store.
    store = await TrilogStore.open({ dataDir: join(dir, 'trilog') })
    telemetry = Trilog.start({ store, clock: () => 1_700_000_000_000 })
  })
  afterAll(async () => {
    await telemetry.shutdown()
    await store.close()
  })

  /** A panel `id` in a fresh database, created and changed `changes` times, each change appending an item. */
  async function panelWithChanges(id: string, changes: number) {
    const database = await openDatabase({ dataDir: join(dir, id) })
    const panel = {
      ...{ id, title: 'List', nxml: '<NexusPanel title="List" />', state: { items: [] }, version: 0 },
      ...{ workspaceId: null, deletedAt: null, x: 0, y: 0, w: 4, h: 4, createdAt: 1, updatedAt: 1 },
    }
    const anchored = <T>(fn: () => T) => telemetry.anchor({ type: 'Panel', id }, fn)
    const history = (e: TrilogEvent | undefined) => [e!]
    await database.panels.insert(panel, history(anchored(() => telemetry.snapshotEvent(panel.state, 0))))
    const items: number[] = []
    for (let version = 1; version <= changes; version++) {
      // Appends: applied twice, a change would show as a repeated item.
      const ops = [{ op: 'add' as const, path: '/items/-', value: version }]
      items.push(version)
      const event = anchored(() => telemetry.stateChangeEvent(ops, { version, tool: 'append' }))
      expect(await database.panels.applyChange(id, version, { items }, ops, 'append', 2, history(event))).toBe(true)
    }
    const sqlite = new Database(join(dir, id, 'nexus.db'))
    const outboxSize = () => (sqlite.prepare('select count(*) as n from trilog_outbox').get() as { n: number }).n
    return { database, sqlite, outboxSize, items }
  }

  it('stopped between the TriLog write and the outbox delete, then restarted: no change applied twice', async () => {
    const { database, sqlite, outboxSize } = await panelWithChanges('p1', 3)
    const metrics = new KernelMetrics()

    // The outbox refuses deletes: the first relay writes to TriLog, then fails to delete its rows.
    sqlite.exec(`create trigger keep_outbox before delete on trilog_outbox begin select raise(abort, 'kept'); end`)
    const first = new HistoryRelay({ sql: database.sql, store, metrics, retryMs: 60_000 })
    first.start()
    await first.close()
    expect(await metrics.historyRelayFailures.get()).toMatchObject({ values: [{ value: 1 }] })
    expect((await store.events('Panel', 'p1')).map((e) => e.kind)).toEqual([
      'snapshot',
      'state_change',
      'state_change',
      'state_change',
    ])
    expect(outboxSize()).toBe(4)

    // Restarted with every row still in the outbox: what TriLog has is not sent again.
    sqlite.exec('drop trigger keep_outbox')
    const second = new HistoryRelay({ sql: database.sql, store, metrics })
    second.start()
    expect(await store.stateAt('Panel', 'p1', Number.MAX_SAFE_INTEGER)).toEqual({ items: [1, 2, 3] })
    const events = await store.events('Panel', 'p1')
    expect(events.filter((e) => e.kind === 'state_change').map((e) => e.seq)).toEqual([1, 2, 3])
    expect(events.filter((e) => e.kind === 'snapshot')).toHaveLength(1)
    expect(outboxSize()).toBe(0)

    await second.close()
    sqlite.close()
    await database.close()
  }, 60_000)

  it('keeps the rows while TriLog refuses writes, counts the failure, and relays them once it is back', async () => {
    const { database, sqlite, outboxSize } = await panelWithChanges('p2', 2)
    const metrics = new KernelMetrics()
    await store.client.command({ query: 'RENAME TABLE trilog_events TO trilog_events_away' })
    const relay = new HistoryRelay({ sql: database.sql, store, metrics, retryMs: 50 })
    relay.start()
    await relay.drain()
    expect(await metrics.historyRelayFailures.get()).toMatchObject({ values: [{ value: 1 }] })
    expect(outboxSize()).toBe(3)

    await store.client.command({ query: 'RENAME TABLE trilog_events_away TO trilog_events' })
    while (outboxSize() > 0) await new Promise((resolve) => setTimeout(resolve, 50)) // the retry's turn
    expect(await store.stateAt('Panel', 'p2', Number.MAX_SAFE_INTEGER)).toEqual({ items: [1, 2] })
    const changes = (await store.events('Panel', 'p2')).filter((e) => e.kind === 'state_change')
    expect(changes.map((e) => e.seq)).toEqual([1, 2])

    await relay.close()
    sqlite.close()
    await database.close()
  }, 60_000)
})

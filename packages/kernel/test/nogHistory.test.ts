import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrilogStore } from '@nexus/trilog'
import { AccountRepository } from '../src/accounts/AccountRepository.ts'
import { AccountService } from '../src/accounts/AccountService.ts'
import { openDatabase, type OpenDatabase } from '../src/db/openDatabase.ts'
import { KernelError } from '../src/errors.ts'
import { authenticate } from '../src/http/auth.ts'
import { nogRoutes } from '../src/http/nogRoutes.ts'
import { KernelMetrics } from '../src/metrics.ts'
import { GRAPH_CHANGE, GRAPH_OBJECT, graphAt } from '../src/nog/graphHistory.ts'
import { NogService } from '../src/nog/NogService.ts'
import { HistoryRelay } from '../src/panels/HistoryOutbox.ts'
import { createDatabase } from './postgres.ts'

// The graph's history through the real pieces: NOG commits write their TriLog events into the database's
// outbox in the same transaction, the relay moves them to chDB, and `GET …/nog/at` rebuilds the graph.
describe('the graph at a past moment, from TriLog', () => {
  let db: OpenDatabase
  let store: TrilogStore
  let relay: HistoryRelay
  let nog: NogService
  let server: Server
  let url: string
  let token: string
  let ws: string
  let dir: string
  const clock = { now: 1_700_000_000_000 }

  const call = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${url}/api/workspaces/${ws}/nog${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }
  /** The live graph, as `/at` answers it (elements by id). */
  const graphNow = async () => {
    const index = await nog.index(ws)
    const byId = <T extends { id: string }>(xs: Iterable<T>) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1))
    return {
      version: index.version,
      entities: byId(index.entities.values()),
      relationships: byId(index.relationships.values()),
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-nog-history-'))
    // `npm run test:services` runs this on PostgreSQL too (see postgresGlobalSetup.ts).
    const pgAdmin = process.env.NEXUS_TEST_POSTGRES
    const databaseUrl = pgAdmin && (await createDatabase(pgAdmin, `nexus_${randomBytes(6).toString('hex')}`))
    db = await openDatabase({ dataDir: dir, databaseUrl: databaseUrl || undefined })
    store = await TrilogStore.open({ dataDir: join(dir, 'trilog') })
    relay = new HistoryRelay({ sql: db.sql, store, metrics: new KernelMetrics() })
    relay.start()
    const accounts = new AccountService({
      repository: new AccountRepository(db.sql),
      jwtSecret: randomBytes(32),
      clock: () => 1_700_000_000_000,
      registration: 'open',
    })
    const owner = await accounts.setup({ email: 'o@example.com', password: 'correct horse battery', name: 'O' })
    token = owner.accessToken
    ws = await accounts.defaultWorkspace(owner.user.id)
    nog = new NogService({ sql: db.sql, clock: () => clock.now })
    // As the kernel wires it: a commit wakes the relay, which moves the commit's outbox rows to TriLog.
    nog.onChange(() => relay.wake())
    const app = express()
    app.use('/api', express.json(), authenticate(accounts), nogRoutes(nog, accounts, store))
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      if (error instanceof KernelError) res.status(error.status).json({ error: error.toBody() })
      else res.status(500).json({ error: { code: 'INTERNAL', message: String(error) } })
    })
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await relay.close()
    await store.close()
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('rebuilds exactly the graph of each earlier moment', async () => {
    const start = clock.now
    const moments: { at: number; graph: Awaited<ReturnType<typeof graphNow>> }[] = []
    const step = async (change: () => Promise<{ status: number }>) => {
      clock.now += 1000
      expect((await change()).status).toBeLessThan(300)
      moments.push({ at: clock.now, graph: await graphNow() })
    }
    const entity = (id: string, priority: number) => ({
      id,
      name: id.toUpperCase(),
      category: 'concept',
      tags: ['t'],
      properties: { priority },
    })
    await step(() => call('POST', '/entities', entity('a', 1)))
    await step(() => call('POST', '/entities', entity('b', 2)))
    await step(() => call('POST', '/relationships', { id: 'ab', fromId: 'a', toId: 'b', type: 'uses' }))
    await step(() => call('PATCH', '/entities/a', { name: 'Alpha', properties: { priority: 5, note: 'x' } }))
    await step(() => call('PATCH', '/relationships/ab', { strength: 0.25 }))
    await step(() =>
      call('POST', '/patches', {
        ops: [
          { op: 'create_entity', entity: entity('c', 3) },
          { op: 'create_relationship', relationship: { id: 'cb', fromId: 'c', toId: 'b', type: 'depends_on' } },
          { op: 'update_entity', id: 'b', set: { tags: [], description: 'second' } },
        ],
      }),
    )
    // Deleting b takes both relationships with it.
    await step(() => call('DELETE', '/entities/b'))
    // Deleted and made again in one patch: a new element under an old id.
    await step(() =>
      call('POST', '/patches', {
        ops: [
          { op: 'delete_entity', id: 'c' },
          { op: 'create_entity', entity: { ...entity('c', 9), name: 'Again' } },
        ],
      }),
    )

    const rebuilt = async (at: number) => (await call('GET', `/at?t=${at}`)).body
    expect(await rebuilt(start)).toEqual({ version: 0, entities: [], relationships: [] })
    for (const { at, graph } of moments) {
      expect(await rebuilt(at)).toEqual(graph)
      // Any moment between two changes sees the earlier one.
      expect(await rebuilt(at + 999)).toEqual(graph)
    }
    expect(moments.at(-1)!.graph.entities.map((e) => e.id)).toEqual(['a', 'c'])
  })

  it('records each change with its content: created whole, updated fields, removed elements', async () => {
    const rows = (await store.events(GRAPH_OBJECT, ws)).filter((r) => r.kind === GRAPH_CHANGE)
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const attrs = (version: number) => JSON.parse(rows.find((r) => r.seq === version)!.attrs)
    expect(attrs(1).ops[0]).toMatchObject({
      op: 'add',
      path: '/entities/a',
      value: { name: 'A', properties: { priority: 1 } },
    })
    expect(attrs(4).ops).toEqual([
      { op: 'replace', path: '/entities/a/name', value: 'Alpha' },
      { op: 'replace', path: '/entities/a/properties', value: { priority: 5, note: 'x' } },
      { op: 'replace', path: '/entities/a/version', value: 2 },
      { op: 'replace', path: '/entities/a/updatedAt', value: 1_700_000_004_000 },
      { op: 'replace', path: '/version', value: 4 },
    ])
    const deletion = attrs(7)
    expect(deletion.ops).toEqual([
      { op: 'remove', path: '/relationships/ab' },
      { op: 'remove', path: '/relationships/cb' },
      { op: 'remove', path: '/entities/b' },
      { op: 'replace', path: '/version', value: 7 },
    ])
    expect([
      deletion.removed.entities.map((e: { id: string; description: string }) => [e.id, e.description]),
      deletion.removed.relationships.map((r: { id: string }) => r.id),
    ]).toEqual([[['b', 'second']], ['ab', 'cb']])
  })

  it('refuses a bad moment, and a history that does not start at the first version', async () => {
    expect((await call('GET', '/at?t=yesterday')).body.error).toMatchObject({ code: 'BAD_REQUEST' })
    // A graph whose first commits were never recorded (made before graph history existed).
    const ops = [{ op: 'replace', path: '/version', value: 7 }]
    await store.writeNow([
      { objType: GRAPH_OBJECT, objId: 'legacy', ts: clock.now, seq: 7, kind: GRAPH_CHANGE, attrs: { ops, version: 7 } },
    ])
    const refused = await graphAt(store, 'legacy', clock.now).then(
      () => undefined,
      (e: KernelError) => [e.code, e.status, e.details],
    )
    expect(refused).toEqual(['NOG_HISTORY_INCOMPLETE', 409, { missing: 1 }])
  })
})

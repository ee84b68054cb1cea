import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileNxml } from '@nexus/reactor'
import { TrilogStore } from '@nexus/trilog'
import { AccountRepository } from '../../src/accounts/AccountRepository.ts'
import { AccountService } from '../../src/accounts/AccountService.ts'
import type { OpenDatabase } from '../../src/db/openDatabase.ts'
import { KernelError } from '../../src/errors.ts'
import { authenticate } from '../../src/http/auth.ts'
import { nogRoutes } from '../../src/http/nogRoutes.ts'
import { NogService } from '../../src/nog/NogService.ts'
import type { NogChangeEvent } from '../../src/nog/types.ts'
import { COUNTER } from '../helpers.ts'

export type DatabaseFactory = () => Promise<OpenDatabase>

const ast = (nxml: string) => compileNxml(nxml).ast!

// The counter with a second state written by a new tool, and without the computed.
const COUNTER_V2 = COUNTER.replace(
  '<Computed name="double" value="$state.count * 2" />',
  '<State name="label" type="string" default="" />',
)
  .replace(
    '</Logic>',
    '  <Tool name="rename"><Arg name="to" type="string" /><Handler>$state.label = $args.to</Handler></Tool>\n  </Logic>',
  )
  .replace('<Text content="Double: {$computed.double}" />', '<Text content="{$state.label}" />')

/** Ids from a counter, so runs replay exactly. */
function counterIds(prefix = 'id'): () => string {
  let n = 0
  return () => `${prefix}${++n}`
}

async function expectError(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error('expected a KernelError')
    },
    (e: unknown) => e,
  )
  if (!(error instanceof KernelError)) throw error
  return { code: error.code, status: error.status, message: error.message }
}

/** The NOG service on a real database, and its HTTP routes behind real accounts and roles. */
export function nogSuite(open: DatabaseFactory): void {
  describe('NOG service', () => {
    let db: OpenDatabase
    let nog: NogService
    const clock = { now: 1_700_000_000_000 }
    const events: NogChangeEvent[] = []
    const ws = 'ws1'

    beforeAll(async () => {
      db = await open()
      const repo = new AccountRepository(db.sql)
      const user = { id: 'u1', email: 'a@example.com', name: 'A', passwordHash: 'x', tokenVersion: 0, createdAt: 0 }
      await repo.createUserWithWorkspace(user, { id: ws, name: 'W', createdAt: 0 }, false)
      nog = new NogService({ sql: db.sql, clock: () => clock.now, newId: counterIds(), patchTtlMs: 60_000 })
      nog.onChange((e) => events.push(e))
    })
    afterAll(async () => {
      await db.close()
    })

    it('derives a panel, re-syncs only what changed, and keeps user edits', async () => {
      const first = await nog.syncPanel(ws, 'p1', 'Counter', ast(COUNTER))
      expect([first.version, first.changes.length]).toEqual([1, 10])
      expect((await nog.syncPanel(ws, 'p1', 'Counter', ast(COUNTER))).changes).toEqual([])

      // A user concept linked to the derived state, and a tag on the derived panel entity.
      await nog.createEntity(ws, {
        id: 'money',
        name: 'Money',
        category: 'concept',
        status: 'active',
        description: '',
        tags: [],
        properties: {},
      })
      await nog.createRelationship(ws, {
        id: 'r-money',
        fromId: 'money',
        toId: 'panel:p1:state:count',
        type: 'related_to',
        strength: 0.5,
        confidence: 1,
      })
      await nog.updateEntity(ws, 'panel:p1', { tags: ['finance'] })

      const second = await nog.syncPanel(ws, 'p1', 'Counter 2', ast(COUNTER_V2))
      expect(second.changes.map((c) => `${c.op} ${'entity' in c ? c.entity.id : c.relationship.id}`)).toEqual([
        'update panel:p1',
        'create panel:p1:state:label',
        'create panel:p1:tool:rename',
        'create panel:p1>contains>panel:p1:state:label',
        'create panel:p1>contains>panel:p1:tool:rename',
        'create panel:p1:tool:rename>produces>panel:p1:state:label',
        'delete panel:p1:computed:double>depends_on>panel:p1:state:count',
        'delete panel:p1>contains>panel:p1:computed:double',
        'delete panel:p1:computed:double',
      ])
      const panel = await nog.getEntity(ws, 'panel:p1')
      expect([panel.name, panel.tags, panel.version]).toEqual(['Counter 2', ['finance'], 3])
      expect((await nog.getRelationship(ws, 'r-money')).toId).toBe('panel:p1:state:count')

      const sub = await nog.panelSubgraph(ws, 'p1')
      expect(sub.entities.map((e) => e.id).sort()).toEqual([
        'money',
        'panel:p1',
        'panel:p1:state:count',
        'panel:p1:state:label',
        'panel:p1:tool:increment',
        'panel:p1:tool:rename',
      ])
    })

    it('refuses edits to what the NXML owns', async () => {
      expect(await expectError(nog.updateEntity(ws, 'panel:p1:state:count', { name: 'x' }))).toMatchObject({
        code: 'NOG_DERIVED',
        status: 409,
      })
      expect(await expectError(nog.deleteEntity(ws, 'panel:p1'))).toMatchObject({ code: 'NOG_DERIVED' })
    })

    it('rebases a stale edit of other fields and refuses one of the same field', async () => {
      const { entity } = await nog.createEntity(ws, {
        id: 'billing',
        name: 'Billing',
        category: 'concept',
        status: 'active',
        description: '',
        tags: [],
        properties: {},
      })
      expect(entity.version).toBe(1)
      const a = await nog.updateEntity(ws, 'billing', { baseVersion: 1, name: 'Invoicing' })
      const b = await nog.updateEntity(ws, 'billing', { baseVersion: 1, description: 'Money in' })
      expect([a.rebased, b.rebased, b.entity.version, b.entity.name, b.entity.description]).toEqual([
        false,
        true,
        3,
        'Invoicing',
        'Money in',
      ])
      expect(await expectError(nog.updateEntity(ws, 'billing', { baseVersion: 1, name: 'Payments' }))).toEqual({
        code: 'CONFLICT',
        status: 409,
        message: 'At ops[0]: entity "billing" changed name since version 1; reload it and apply your edit again',
      })
      // Setting a field to the value it already has is not a conflict.
      expect((await nog.updateEntity(ws, 'billing', { baseVersion: 1, name: 'Invoicing' })).entity.version).toBe(3)
      expect(await expectError(nog.deleteEntity(ws, 'billing', 2))).toMatchObject({ code: 'CONFLICT' })
    })

    it('queries by category, tag, text, neighbours and path', async () => {
      await nog.createRelationship(ws, {
        id: 'r-bill',
        fromId: 'billing',
        toId: 'money',
        type: 'uses',
        strength: 1,
        confidence: 0.8,
      })
      expect((await nog.findEntities(ws, { category: 'concept' })).map((e) => e.id).sort()).toEqual([
        'billing',
        'money',
      ])
      expect((await nog.findEntities(ws, { tag: 'finance' })).map((e) => e.id)).toEqual(['panel:p1'])
      expect((await nog.findEntities(ws, { text: 'MONEY' })).map((e) => e.id).sort()).toEqual(['billing', 'money'])
      const path = await nog.shortestPath(ws, 'billing', 'panel:p1:tool:increment')
      expect(path?.entities.map((e) => e.id)).toEqual([
        'billing',
        'money',
        'panel:p1:state:count',
        'panel:p1:tool:increment',
      ])
      expect((await nog.neighbours(ws, 'billing', 2)).entities.map((e) => e.id).sort()).toEqual([
        'billing',
        'money',
        'panel:p1:state:count',
      ])
      expect(await expectError(nog.neighbours(ws, 'nope'))).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    })

    it('deletes an entity with its relationships and says so in one event', async () => {
      const before = events.length
      const { version } = await nog.deleteEntity(ws, 'money')
      expect(
        events
          .slice(before)
          .map((e) => [e.version, e.changes.map((c) => `${c.op} ${'entity' in c ? c.entity.id : c.relationship.id}`)]),
      ).toEqual([[version, ['delete r-bill', 'delete r-money', 'delete money']]])
      expect(await expectError(nog.getRelationship(ws, 'r-bill'))).toMatchObject({ code: 'NOT_FOUND' })
    })

    it('applies a patch all or none', async () => {
      const version = (await nog.summary(ws)).version
      const failed = await nog.submitPatch(
        ws,
        {
          source: 'user',
          summary: 'half good',
          ops: [
            {
              op: 'create_entity',
              entity: {
                id: 'half',
                name: 'Half',
                category: 'concept',
                status: 'active',
                description: '',
                tags: [],
                properties: {},
              },
            },
            {
              op: 'create_relationship',
              relationship: { fromId: 'half', toId: 'ghost', type: 'uses', strength: 1, confidence: 1 },
            },
          ],
        },
        'u1',
      )
      expect([failed.status, failed.reason]).toEqual([
        'failed',
        'At ops[1]: entity "ghost" does not exist; create it first',
      ])
      expect((await nog.summary(ws)).version).toBe(version)
      expect(await expectError(nog.getEntity(ws, 'half'))).toMatchObject({ code: 'NOT_FOUND' })
      expect((await nog.getPatch(ws, failed.id)).status).toBe('failed')
    })

    it('holds AI proposals for review: approve, reject, conflict, expire', async () => {
      const propose = (ops: Parameters<NogService['applyOps']>[1], baseVersion?: number) =>
        nog.submitPatch(ws, { source: 'ai', summary: 'suggestion', ops: [...ops], baseVersion }, 'u1')
      const base = (await nog.summary(ws)).version
      const good = await propose([
        {
          op: 'create_entity',
          entity: {
            id: 'ai-idea',
            name: 'Idea',
            category: 'concept',
            status: 'active',
            description: '',
            tags: ['ai'],
            properties: {},
          },
        },
        { op: 'update_entity', id: 'billing', set: { status: 'reviewed' } },
      ])
      const clash = await propose([{ op: 'update_entity', id: 'billing', set: { description: 'AI says' } }], base)
      const dull = await propose([{ op: 'delete_entity', id: 'billing' }])
      expect([good.status, (await nog.listPatches(ws, 'pending')).length]).toEqual(['pending', 3])
      expect(await expectError(nog.getEntity(ws, 'ai-idea'))).toMatchObject({ code: 'NOT_FOUND' })

      await nog.updateEntity(ws, 'billing', { description: 'Human says' })
      const applied = await nog.approvePatch(ws, good.id, 'u1')
      expect([applied.status, applied.reviewedBy, applied.appliedVersion]).toEqual(['applied', 'u1', base + 2])
      expect((await nog.getEntity(ws, 'ai-idea')).source).toBe('ai')

      const conflicted = await nog.approvePatch(ws, clash.id, 'u1')
      expect([conflicted.status, conflicted.reason]).toEqual([
        'failed',
        `At ops[0]: entity "billing" changed description since graph version ${base}; reload it and apply your edit again`,
      ])
      const rejected = await nog.rejectPatch(ws, dull.id, 'u1', 'keep billing')
      expect([rejected.status, rejected.reason]).toEqual(['rejected', 'keep billing'])
      expect(await expectError(nog.approvePatch(ws, dull.id, 'u1'))).toMatchObject({
        code: 'PATCH_NOT_PENDING',
        status: 409,
      })

      const late = await propose([{ op: 'update_entity', id: 'billing', set: { status: 'late' } }])
      clock.now += 60_001
      expect((await nog.getPatch(ws, late.id)).status).toBe('expired')
      expect(await expectError(nog.approvePatch(ws, late.id, 'u1'))).toMatchObject({ code: 'PATCH_NOT_PENDING' })
    })

    it('serialises concurrent writes and keeps the cache equal to the database', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => nog.updateEntity(ws, 'billing', { properties: { n: i } })))
      const e = await nog.getEntity(ws, 'billing')
      expect(e.properties).toEqual({ n: 19 })
      const fresh = new NogService({ sql: db.sql })
      const sort = <T extends { id: string }>(xs: Iterable<T>) => [...xs].sort((a, b) => a.id.localeCompare(b.id))
      const [cached, loaded] = [await nog.index(ws), await fresh.index(ws)]
      expect(loaded.version).toBe(cached.version)
      expect(sort(loaded.entities.values())).toEqual(sort(cached.entities.values()))
      expect(sort(loaded.relationships.values())).toEqual(sort(cached.relationships.values()))
      expect(events.map((ev) => ev.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
    })

    it('removes a panel with everything derived from it', async () => {
      await nog.removePanel(ws, 'p1')
      expect((await nog.panelSubgraph(ws, 'p1')).entities).toEqual([])
      expect((await nog.findEntities(ws, { filter: (e) => e.source === 'derived' })).length).toBe(0)
    })
  })

  describe('NOG HTTP routes', () => {
    let db: OpenDatabase
    let history: TrilogStore
    let historyDir: string
    let server: Server
    let url: string
    const tokens: Record<'owner' | 'viewer' | 'outsider', string> = { owner: '', viewer: '', outsider: '' }
    let ws: string

    const call = async (who: keyof typeof tokens | null, method: string, path: string, body?: unknown) => {
      const headers: Record<string, string> = who ? { authorization: `Bearer ${tokens[who]}` } : {}
      if (body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(`${url}/api/workspaces/${ws}/nog${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: (await res.json()) as Record<string, any> }
    }

    beforeAll(async () => {
      db = await open()
      const clock = () => 1_700_000_000_000
      const accounts = new AccountService({
        repository: new AccountRepository(db.sql),
        jwtSecret: randomBytes(32),
        clock,
        registration: 'open',
      })
      const owner = await accounts.setup({ email: 'o@example.com', password: 'correct horse battery', name: 'O' })
      const viewer = await accounts.register({ email: 'v@example.com', password: 'correct horse battery', name: 'V' })
      const outsider = await accounts.register({ email: 'x@example.com', password: 'correct horse battery', name: 'X' })
      ws = await accounts.defaultWorkspace(owner.user.id)
      await accounts.repository.addMember(ws, viewer.user.id, 'viewer', clock())
      Object.assign(tokens, { owner: owner.accessToken, viewer: viewer.accessToken, outsider: outsider.accessToken })
      const nog = new NogService({ sql: db.sql, clock, newId: counterIds('h') })
      const app = express()
      historyDir = mkdtempSync(join(tmpdir(), 'nexus-nog-routes-'))
      history = await TrilogStore.open({ dataDir: historyDir })
      app.use('/api', express.json(), authenticate(accounts), nogRoutes(nog, accounts, history))
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
      await db.close()
      await history.close()
      rmSync(historyDir, { recursive: true, force: true })
    })

    it('lets viewers read and editors write; outsiders see nothing', async () => {
      const created = await call('owner', 'POST', '/entities', {
        id: 'c1',
        name: 'Checkout',
        category: 'concept',
        tags: ['x'],
      })
      expect([created.status, created.body.entity.version, created.body.version]).toEqual([201, 1, 1])
      expect([
        (await call('viewer', 'GET', '/entities/c1')).status,
        (await call('viewer', 'POST', '/entities', { name: 'n', category: 'concept' })).body.error.code,
        (await call('outsider', 'GET', '/entities/c1')).status,
        (await call(null, 'GET', '')).body.error.code,
      ]).toEqual([200, 'FORBIDDEN', 404, 'UNAUTHENTICATED'])
    })

    it('filters with the subscription language and explains a bad filter', async () => {
      const filter = (f: unknown) => `/entities?filter=${encodeURIComponent(JSON.stringify(f))}`
      const ok = await call(
        'viewer',
        'GET',
        filter({ $and: [{ category: { eq: 'concept' } }, { tags: { in: ['x'] } }] }),
      )
      expect([ok.body.version, ok.body.entities.map((e: { id: string }) => e.id)]).toEqual([1, ['c1']])
      expect(await call('viewer', 'GET', filter({ $and: [{ colour: { eq: 1 } }] }))).toMatchObject({
        status: 400,
        body: {
          error: { code: 'BAD_FILTER', message: expect.stringMatching(/^At \$and\[0\]\.colour: unknown field/) },
        },
      })
      expect((await call('viewer', 'GET', '/entities?category=planet')).body.error.code).toBe('BAD_REQUEST')
    })

    it('answers a stale edit of the same field with 409 CONFLICT', async () => {
      await call('owner', 'PATCH', '/entities/c1', { baseVersion: 1, name: 'Pay' })
      const stale = await call('owner', 'PATCH', '/entities/c1', { baseVersion: 1, name: 'Cart' })
      expect([stale.status, stale.body.error.code, stale.body.error.details]).toEqual([
        409,
        'CONFLICT',
        { id: 'c1', fields: ['name'], version: 2 },
      ])
    })

    it('runs the review life-cycle over HTTP', async () => {
      const proposal = await call('owner', 'POST', '/patches', {
        source: 'ai',
        ops: [
          { op: 'create_entity', entity: { id: 'c2', name: 'Refunds', category: 'concept' } },
          { op: 'create_relationship', relationship: { fromId: 'c2', toId: 'c1', type: 'depends_on' } },
        ],
      })
      expect([proposal.status, proposal.body.status]).toEqual([201, 'pending'])
      expect((await call('viewer', 'POST', `/patches/${proposal.body.id}/approve`)).status).toBe(403)
      const approved = await call('owner', 'POST', `/patches/${proposal.body.id}/approve`)
      expect([approved.status, approved.body.status]).toEqual([200, 'applied'])
      const path = await call('viewer', 'GET', '/path?from=c2&to=c1')
      expect(path.body.relationships.map((r: { type: string }) => r.type)).toEqual(['depends_on'])
      const nb = await call('viewer', 'GET', '/entities/c1/neighbours?depth=1&types=depends_on')
      expect(nb.body.entities.map((e: { id: string }) => e.id).sort()).toEqual(['c1', 'c2'])

      const failing = await call('owner', 'POST', '/patches', { ops: [{ op: 'delete_entity', id: 'nope' }] })
      expect([failing.status, failing.body.error.code, failing.body.error.details.patch.status]).toEqual([
        409,
        'PATCH_FAILED',
        'failed',
      ])
      expect((await call('viewer', 'GET', '/patches?status=failed')).body.patches.length).toBe(1)
      const removed = await call('owner', 'DELETE', '/entities/c2')
      expect([removed.status, (await call('viewer', 'GET', '')).body]).toEqual([
        200,
        { version: removed.body.version, entities: 1, relationships: 0 },
      ])
    })
  })
}

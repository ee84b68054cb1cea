import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StateAtResponseSchema } from '@nexus/protocol'
import { nexusRegistry, TrilogStore, type TrilogEvent } from '@nexus/trilog'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, COUNTER, startTestKernel, TestClient, type TestKernel } from './helpers.ts'

/** The kinds of one object's events in chDB, once `want` are all there (the kernel writes in batches). */
async function kindsOnceStored(store: TrilogStore, objType: string, objId: string, want: string[]) {
  let kinds: string[] = []
  await expect
    .poll(
      async () => {
        kinds = (await store.events(objType, objId)).map((r) => r.kind)
        return want.every((k) => kinds.includes(k))
      },
      { timeout: 15_000 },
    )
    .toBe(true)
  return kinds
}

describe('TriLog events the schema declares, recorded by the real kernel in chDB', () => {
  let t: TestKernel
  let store: TrilogStore
  const trilogDir = mkdtempSync(join(tmpdir(), 'nexus-trilog-events-'))

  beforeAll(async () => {
    t = await startTestKernel({ trilogDir })
    // The kernel's own chDB directory, opened again in this process: the same tables.
    store = await TrilogStore.open({ dataDir: trilogDir })
  })
  afterAll(async () => {
    await t.kernel.close()
    await store.close()
  })

  it('member_added: an invited account, and a registration that turns an invitation into a membership', async () => {
    const member = { email: 'member@example.com', password: 'correct horse battery', name: 'Mia' }
    const registered = await api(t.kernel, 'POST', '/api/auth/register', member, null)
    expect(registered.status).toBe(201)
    const memberId = registered.body.user.id as string
    const own = (await api(t.kernel, 'GET', '/api/me', undefined, registered.body.accessToken)).body.workspaces[0]
      .id as string
    expect(
      (await api(t.kernel, 'POST', `/api/workspaces/${t.workspaceId}/members`, { ...member, role: 'editor' })).status,
    ).toBe(201)
    const invited = { email: 'later@example.com', password: 'correct horse battery', name: 'Lee' }
    expect(
      (
        await api(t.kernel, 'POST', `/api/workspaces/${t.workspaceId}/members`, {
          email: invited.email,
          role: 'viewer',
        })
      ).status,
    ).toBe(201)
    const later = await api(t.kernel, 'POST', '/api/auth/register', invited, null)
    expect(later.status).toBe(201)

    await kindsOnceStored(store, 'Workspace', t.workspaceId, ['member_added'])
    const attrs = async (ws: string) =>
      (await store.events('Workspace', ws)).filter((r) => r.kind === 'member_added').map((r) => JSON.parse(r.attrs))
    await expect.poll(async () => (await attrs(t.workspaceId)).length, { timeout: 15_000 }).toBe(3)
    // One test clock: the three share a millisecond, so they are compared by role, not by order.
    const byRole = (a: { role: string }, b: { role: string }) => a.role.localeCompare(b.role)
    expect((await attrs(t.workspaceId)).sort(byRole)).toEqual([
      { userId: memberId, role: 'editor' },
      { userId: expect.any(String), role: 'owner' }, // the owner, at setup
      { userId: later.body.user.id, role: 'viewer' },
    ])
    await kindsOnceStored(store, 'Workspace', own, ['member_added'])
    expect(await attrs(own)).toEqual([{ userId: memberId, role: 'owner' }])
  })

  it('nxml_edit: a panel whose NXML is replaced', async () => {
    const id = (await api(t.kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id as string
    const edited = COUNTER.replace('title="Counter"', 'title="Counter 2"')
    expect(edited).not.toBe(COUNTER)
    expect((await api(t.kernel, 'PUT', `/api/panels/${id}/nxml`, { nxml: edited })).status).toBe(200)
    await kindsOnceStored(store, 'Panel', id, ['nxml_edit'])
    const row = (await store.events('Panel', id)).find((r) => r.kind === 'nxml_edit')!
    expect(JSON.parse(row.attrs)).toEqual({ version: 1, source: 'editor' })
  })

  it('a replay that skips a damaged change says so (PanelService.replayAt, behind GET /api/panels/:id/state)', async () => {
    const id = (await api(t.kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id as string
    expect((await api(t.kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment' })).status).toBe(200)
    const clean = await t.kernel.panels.replayAt(id, t.clock.now)
    expect(clean.state).toEqual({ count: 1 })
    expect(clean.skipped).toEqual({ count: 0, first: [] })
    // A change in the log that cannot apply to the state before it (a damaged or hand-written row).
    const bad = { op: 'replace', path: '/nowhere/deep', value: 1 }
    await store.writeNow([
      { objType: 'Panel', objId: id, ts: t.clock.now, seq: 50, kind: 'state_change', attrs: { ops: [bad] } },
    ])
    const damaged = await t.kernel.panels.replayAt(id, t.clock.now)
    expect(damaged.state).toEqual({ count: 1 })
    expect(damaged.skipped.count).toBe(1)
    expect(damaged.skipped.first).toEqual([{ ts: t.clock.now, seq: 50, reason: expect.stringContaining('path') }])
    expect(await t.kernel.panels.stateAt(id, t.clock.now)).toEqual({ count: 1 })
  })

  it('GET /api/panels/:id/state answers what the replay skipped (a damaged change shows in the route)', async () => {
    const id = (await api(t.kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id as string
    expect((await api(t.kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment' })).status).toBe(200)
    const at = t.clock.now
    const clean = await api(t.kernel, 'GET', `/api/panels/${id}/state?at=${at}`)
    expect(clean).toEqual({ status: 200, body: { at, state: { count: 1 }, skipped: { count: 0, first: [] } } })
    expect(StateAtResponseSchema.parse(clean.body)).toEqual(clean.body)
    await store.writeNow([
      {
        objType: 'Panel',
        objId: id,
        ts: at,
        seq: 60,
        kind: 'state_change',
        attrs: { ops: [{ op: 'remove', path: '/missing' }] },
      },
    ])
    const damaged = await api(t.kernel, 'GET', `/api/panels/${id}/state?at=${at}`)
    expect(damaged.status).toBe(200)
    expect(StateAtResponseSchema.parse(damaged.body)).toEqual(damaged.body)
    expect(damaged.body).toEqual({
      at,
      state: { count: 1 },
      skipped: { count: 1, first: [{ ts: at, seq: 60, reason: expect.any(String) }] },
    })
  })

  it('member_added for the owner of a workspace made with POST /api/workspaces', async () => {
    const created = await api(t.kernel, 'POST', '/api/workspaces', { name: 'Second' })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: expect.any(String), name: 'Second', createdAt: t.clock.now, role: 'owner' })
    const ownerId = (await api(t.kernel, 'GET', '/api/me')).body.user.id as string
    await kindsOnceStored(store, 'Workspace', created.body.id, ['member_added'])
    const rows = (await store.events('Workspace', created.body.id)).filter((r) => r.kind === 'member_added')
    expect(rows.map((r) => JSON.parse(r.attrs))).toEqual([{ userId: ownerId, role: 'owner' }])
  })

  it('connected and disconnected: an anonymous WebSocket records userId null', async () => {
    const before = new Set((await store.eventRows(`obj_type = 'WebSocketConnection'`)).map((r) => r.obj_id))
    const client = await TestClient.connect(t.kernel, null)
    let id = ''
    await expect
      .poll(
        async () => {
          const rows = await store.eventRows(`obj_type = 'WebSocketConnection' AND kind = 'connected'`)
          id = rows.find((r) => !before.has(r.obj_id))?.obj_id ?? ''
          return id
        },
        { timeout: 15_000 },
      )
      .not.toBe('')
    client.close()
    await kindsOnceStored(store, 'WebSocketConnection', id, ['connected', 'disconnected'])
    const attrs = (await store.events('WebSocketConnection', id)).map((r) => [r.kind, JSON.parse(r.attrs)])
    // One test clock: both share a millisecond, so they are compared by kind, not by order.
    expect(attrs.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['connected', { userId: null, encoding: 'json' }],
      ['disconnected', { userId: null, code: expect.any(Number) }],
    ])
  })

  it('logout: one session, and every session', async () => {
    const who = { email: 'leaver@example.com', password: 'correct horse battery', name: 'Lou' }
    const session = (await api(t.kernel, 'POST', '/api/auth/register', who, null)).body
    const userId = session.user.id as string
    expect((await api(t.kernel, 'POST', '/api/auth/logout', { refreshToken: session.refreshToken }, null)).status).toBe(
      204,
    )
    const again = (await api(t.kernel, 'POST', '/api/auth/login', { email: who.email, password: who.password }, null))
      .body
    expect((await api(t.kernel, 'POST', '/api/auth/logout-all', undefined, again.accessToken)).status).toBe(204)
    await expect
      .poll(
        async () =>
          (await store.events('User', userId))
            .filter((r) => r.kind === 'logout')
            .map((r) => r.attrs)
            .sort(),
        {
          timeout: 15_000,
        },
      )
      .toEqual(['{"everywhere":true}', '{}']) // one test clock: compared as a set
  })

  // Last: every event the kernel stored above (and in setup) passes the schema, payload and all.
  it('every event the kernel recorded in this file matches the schema (registry.validate on each stored row)', async () => {
    await store.flush()
    const rows = await store.eventRows('1 = 1')
    const registry = nexusRegistry()
    const refused = rows
      .map((r) => {
        const event: TrilogEvent = {
          objType: r.obj_type,
          objId: r.obj_id,
          ts: r.ts,
          seq: r.seq,
          kind: r.kind,
          attrs: JSON.parse(r.attrs),
        }
        const checked = registry.validate(event)
        return checked.ok ? undefined : `${r.kind}: ${checked.error.message}`
      })
      .filter(Boolean)
    expect(refused).toEqual([])
    const kinds = new Set(rows.map((r) => r.kind))
    for (const kind of ['registered', 'login', 'logout', 'member_added', 'created', 'handler_run', 'nxml_edit'])
      expect(kinds).toContain(kind)
    expect(kinds).toContain('connected')
    // The kernel checks each event against the same schema before storing it: it refused none of them.
    const metrics = (await api(t.kernel, 'GET', '/metrics', undefined, null)).body as unknown as string
    expect(metrics).toMatch(/^nexus_trilog_events_refused 0$/m)
    expect(metrics).toMatch(/^nexus_trilog_dropped 0$/m)
  })
})

describe("the kernel's TriLog schema", () => {
  /** Every string literal in the kernel's source (tests excluded). */
  function kernelLiterals(): Set<string> {
    const literals = new Set<string>()
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
          for (const m of readFileSync(path, 'utf8').matchAll(/'([a-z_]+)'/g)) literals.add(m[1]!)
      }
    }
    walk(new URL('../src', import.meta.url).pathname)
    return literals
  }

  /**
   * Event names the kernel's source emits: `.event('name'` and the calls of the two wrappers that name the
   * event in their second or first argument (`audit(id, 'name'` in authRoutes, `log('name'` in SyncHub),
   * plus `nog_change`, which the graph history writes straight to the store. Any other `.event(` whose name
   * is not a literal fails the test, so a new wrapper cannot hide its events from this check.
   */
  function emittedNames(): { names: Set<string>; unmatched: string[] } {
    const names = new Set<string>(['nog_change'])
    const unmatched: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8')
          for (const m of text.matchAll(/\.event\(\s*([^,)]*)/g)) {
            const literal = /^'([a-z_]+)'$/.exec(m[1]!.trim())
            if (literal) names.add(literal[1]!)
            else if (!['name'].includes(m[1]!.trim())) unmatched.push(`${name}: .event(${m[1]}`)
          }
          if (name === 'authRoutes.ts') for (const m of text.matchAll(/audit\([^,]+,\s*'([a-z_]+)'/g)) names.add(m[1]!)
          if (name === 'SyncHub.ts') for (const m of text.matchAll(/\blog\('([a-z_]+)'/g)) names.add(m[1]!)
        }
      }
    }
    walk(new URL('../src', import.meta.url).pathname)
    return { names, unmatched }
  }

  it('declares every event name the kernel emits (and the wrappers that emit them are the known two)', () => {
    const schema = nexusRegistry().toJSON()
    const declared = new Set([...schema.objects, ...schema.processes].flatMap((o) => Object.keys(o.events)))
    const { names, unmatched } = emittedNames()
    expect(unmatched).toEqual([])
    expect([...names].filter((n) => !declared.has(n))).toEqual([])
    // The wrappers' own events, so a changed call shape that the patterns stop matching fails here.
    for (const n of ['registered', 'login', 'login_failed', 'connected', 'disconnected', 'fanout_refused'])
      expect(names).toContain(n)
  })

  it('declares only events the kernel records (commit, ai_proposal/ai_decision return with git and the AI loop)', () => {
    const schema = nexusRegistry().toJSON()
    const declared = [...schema.objects, ...schema.processes].flatMap((o) => Object.keys(o.events))
    const literals = kernelLiterals()
    expect(declared.filter((kind) => !literals.has(kind))).toEqual([])
    expect(declared).toContain('member_added')
    expect(declared).not.toContain('commit')
  })
})

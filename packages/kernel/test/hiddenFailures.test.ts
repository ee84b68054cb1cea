import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServerMessage } from '@nexus/protocol'
import { TestClient, api, startTestKernel, type TestKernel } from './helpers.ts'
import { createDatabase } from './postgres.ts'

// Issue #13, "failures hidden as absence": a database failure while loading a panel used to read as "no such
// panel" (NOT_FOUND, no listener, no call target) and a snapshot that could not be read was dropped, leaving
// the client waiting. Each case breaks the real database under a running kernel (its `panels` table renamed
// away, then back) and checks the failure now surfaces: answered INTERNAL, logged, counted.

const LEDGER = `<NexusPanel title="Ledger" version="1.0.0">
  <Data><State name="pings" type="number" default="0" /></Data>
  <Logic>
    <Tool name="add"><Capabilities><Capability type="state:write" scope="pings" /></Capabilities>
      <Handler>$state.pings += 1</Handler></Tool>
    <Lifecycle on="event:ping"><Handler>$state.pings += 1</Handler></Lifecycle>
  </Logic>
  <View><Text content="{$state.pings}" /></View>
</NexusPanel>`

const CALLER = `<NexusPanel title="Caller" version="1.0.0">
  <Data><State name="got" type="number" default="0" /></Data>
  <Logic>
    <Tool name="call">
      <Arg name="target" type="string" />
      <Capabilities><Capability type="panel:call" scope="*" /><Capability type="state:write" scope="got" /></Capabilities>
      <Handler>const r = await $panel.call($args.target, 'add', {})
$state.got = r.version</Handler>
    </Tool>
    <Tool name="ping">
      <Capabilities><Capability type="events:emit" scope="ping" /></Capabilities>
      <Handler>$emit('ping', {})</Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.got}" /></View>
</NexusPanel>`

interface Broken {
  test: TestKernel
  /** Runs DDL on the kernel's own database, beside the kernel's connection. */
  ddl(statement: string): Promise<void>
  close(): Promise<void>
}

/** A kernel on SQLite, or on a database of its own on the private PostgreSQL of `npm run test:services`. */
async function open(): Promise<Broken> {
  const pgAdmin = process.env.NEXUS_TEST_POSTGRES
  if (pgAdmin) {
    const url = await createDatabase(pgAdmin, `nexus_hidden_${randomBytes(6).toString('hex')}`)
    const test = await startTestKernel({ databaseUrl: url })
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    return {
      test,
      ddl: async (statement) => void (await client.query(statement)),
      close: async () => {
        await client.end()
        await test.kernel.close()
      },
    }
  }
  const test = await startTestKernel()
  const db = new Database(join(test.dataDir, 'nexus.db'))
  return {
    test,
    ddl: async (statement) => void db.exec(statement),
    close: async () => {
      db.close()
      await test.kernel.close()
    },
  }
}

const breakPanels = (b: Broken) => b.ddl('alter table panels rename to panels_away')
const mendPanels = (b: Broken) => b.ddl('alter table panels_away rename to panels')

async function failures(b: Broken, where: string): Promise<number> {
  const text = (await api(b.test.kernel, 'GET', '/metrics', undefined, null)).body as unknown as string
  const line = text.split('\n').find((l) => l.startsWith(`nexus_kernel_failures_total{where="${where}"}`))
  return line ? Number(line.split(' ').at(-1)) : 0
}

describe('failures are not hidden as absence (#13)', () => {
  let broken: Broken | undefined
  afterEach(async () => {
    await broken?.close()
    broken = undefined
  })

  it('a trigger whose panel cannot be loaded is answered INTERNAL, not NOT_FOUND', async () => {
    const b = (broken = await open())
    const c = await TestClient.connect(b.test.kernel)
    await breakPanels(b)
    // An id the kernel has not cached: the role check must load it from the database.
    c.send({ type: 'trigger', reqId: 't1', panelId: 'not-cached', tool: 'add' })
    const answer = (await c.next((m) => m.type === 'error')) as Extract<ServerMessage, { type: 'error' }>
    expect(answer).toMatchObject({ reqId: 't1', error: { code: 'INTERNAL' } })
    expect(await failures(b, 'ws_message')).toBe(1)
    await mendPanels(b)
    c.send({ type: 'trigger', reqId: 't2', panelId: 'not-cached', tool: 'add' })
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ reqId: 't2', error: { code: 'NOT_FOUND' } })
    c.close()
  })

  it('a fresh snapshot that cannot be read is told to the client as an error naming the channel', async () => {
    const b = (broken = await open())
    const { kernel, workspaceId } = b.test
    const c = await TestClient.connect(kernel)
    const channel = `workspace:${workspaceId}`
    c.send({ type: 'subscribe', reqId: 's', channel })
    await c.next((m) => m.type === 'ack')
    const spare = (await api(kernel, 'POST', '/api/keys', { name: 'spare' })).body as { id: string }
    await breakPanels(b)
    // Revoking another key of the same user re-checks this socket's channels and resumes them from snapshots.
    expect((await api(kernel, 'DELETE', `/api/keys/${spare.id}`)).status).toBe(204)
    const told = await c.next((m) => m.type === 'error')
    expect(told).toMatchObject({ error: { code: 'INTERNAL', details: { channel } } })
    expect(await failures(b, 'snapshot')).toBe(1)
    await mendPanels(b)
    c.close()
  })

  it('a $panel.call whose target cannot be loaded fails with the cause, not "not found"', async () => {
    const b = (broken = await open())
    const { kernel } = b.test
    const caller = (await api(kernel, 'POST', '/api/panels', { nxml: CALLER })).body.id as string
    await breakPanels(b)
    const failed = await api(kernel, 'POST', `/api/panels/${caller}/trigger`, {
      tool: 'call',
      args: { target: 'not-cached' },
    })
    expect(failed.status).toBeGreaterThanOrEqual(400)
    expect(failed.body.error.message).not.toContain('was not found')
    await mendPanels(b)
    const missing = await api(kernel, 'POST', `/api/panels/${caller}/trigger`, {
      tool: 'call',
      args: { target: 'not-cached' },
    })
    expect(missing.body.error.message).toContain('was not found')
  })

  it('an $emit whose listeners cannot be loaded is logged and counted, not read as "no listeners"', async () => {
    const b = (broken = await open())
    const { kernel } = b.test
    const caller = (await api(kernel, 'POST', '/api/panels', { nxml: CALLER })).body.id as string
    await api(kernel, 'POST', '/api/panels', { nxml: LEDGER })
    await breakPanels(b)
    expect((await api(kernel, 'POST', `/api/panels/${caller}/trigger`, { tool: 'ping' })).status).toBe(200)
    const deadline = Date.now() + 10_000
    while ((await failures(b, 'event_delivery')) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(await failures(b, 'event_delivery')).toBe(1)
    await mendPanels(b)
  })
})

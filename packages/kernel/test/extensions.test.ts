import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../src/index.ts'
import { api, startTestKernel } from './helpers.ts'

function panel(title: string, body: string): string {
  return `<NexusPanel title="${title}" version="1.0.0">\n${body}\n  <View><Text content="${title}" /></View>\n</NexusPanel>`
}

const FETCHER = panel(
  'Fetcher',
  `  <Data>
    <State name="status" type="number" default="0" />
    <State name="body" type="object" default="{}" />
  </Data>
  <Logic>
    <Extension name="nexus.http" alias="http" />
    <Tool name="load">
      <Arg name="url" type="string" />
      <Capabilities>
        <Capability type="ext" scope="http" />
        <Capability type="net" scope="127.0.0.1" />
        <Capability type="state:write" scope="*" />
      </Capabilities>
      <Handler>
        const r = await $ext.http.get($args.url)
        $state.status = r.status
        $state.body = r.body
      </Handler>
    </Tool>
  </Logic>`,
)

const NOTES = panel(
  'Notes',
  `  <Data><State name="seen" type="list" default="[]" /><State name="rows" type="list" default="[]" /></Data>
  <Logic>
    <Extension name="nexus.storage" alias="kv" />
    <Extension name="nexus.sql" alias="db" />
    <Tool name="remember">
      <Arg name="word" type="string" />
      <Capabilities><Capability type="ext" scope="*" /><Capability type="state:write" scope="*" /></Capabilities>
      <Handler>
        const old = (await $ext.kv.get('words')) ?? []
        await $ext.kv.set('words', [...old, $args.word])
        $state.seen = await $ext.kv.get('words')
      </Handler>
    </Tool>
    <Tool name="cheap">
      <Arg name="max" type="number" />
      <Capabilities><Capability type="ext" scope="db" /><Capability type="state:write" scope="rows" /></Capabilities>
      <Handler>
        const r = await $ext.db.query('shop', 'select name, price from items where price <= ? order by price', [$args.max])
        $state.rows = r.rows
      </Handler>
    </Tool>
    <Tool name="inject">
      <Capabilities><Capability type="ext" scope="db" /><Capability type="state:write" scope="rows" /></Capabilities>
      <Handler>await $ext.db.query('shop', 'select 1; drop table items', [])</Handler>
    </Tool>
  </Logic>`,
)

const LEDGER = panel(
  'Ledger',
  `  <Data><State name="total" type="number" default="0" /><State name="pings" type="number" default="0" /></Data>
  <Logic>
    <Tool name="add">
      <Arg name="n" type="number" />
      <Capabilities><Capability type="state:write" scope="total" /></Capabilities>
      <Handler>$state.total += $args.n\nreturn $state.total</Handler>
    </Tool>
    <Lifecycle on="event:ping"><Handler>$state.pings += $args.payload.n</Handler></Lifecycle>
  </Logic>`,
)

const CALLER = panel(
  'Caller',
  `  <Data><State name="got" type="number" default="0" /></Data>
  <Logic>
    <Tool name="callLedger">
      <Arg name="target" type="string" />
      <Capabilities><Capability type="panel:call" scope="*" /><Capability type="state:write" scope="got" /></Capabilities>
      <Handler>
        const r = await $panel.call($args.target, 'add', { n: 5 })
        $state.got = r.state.total
      </Handler>
    </Tool>
    <Tool name="ping">
      <Capabilities><Capability type="events:emit" scope="ping" /><Capability type="state:write" scope="got" /></Capabilities>
      <Handler>$emit('ping', { n: 2 })</Handler>
    </Tool>
  </Logic>`,
)

describe('extensions and panels talking to each other', () => {
  let kernel: RunningKernel
  let server: Server
  let origin: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        res.end('x'.repeat(2 * 1024 * 1024))
        return
      }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ hello: 'world', path: req.url }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const shop = join(mkdtempSync(join(tmpdir(), 'nexus-sql-')), 'shop.db')
    const db = new Database(shop)
    db.exec("create table items (name text, price real); insert into items values ('pen', 2), ('book', 12), ('mug', 6)")
    db.close()
    ;({ kernel } = await startTestKernel({ httpAllowPrivate: true, sqlSources: `shop=sqlite:${shop}` }))
  })
  afterAll(async () => {
    await kernel.close()
    server.close()
  })

  it('reaches a granted host through nexus.http and refuses the rest', async () => {
    const id = (await api(kernel, 'POST', '/api/panels', { nxml: FETCHER })).body.id
    const ok = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'load', args: { url: `${origin}/hi` } })
    expect(ok.body.state).toEqual({ status: 200, body: { hello: 'world', path: '/hi' } })
    const denied = await api(kernel, 'POST', `/api/panels/${id}/trigger`, {
      tool: 'load',
      args: { url: 'http://localhost:1/' },
    })
    expect(denied.body.error).toMatchObject({ code: 'CAPABILITY_DENIED' })
    expect(denied.body.error.message).toContain('net:localhost')
    const big = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'load', args: { url: `${origin}/big` } })
    expect(big.body.error.code).toBe('HANDLER_ERROR')
    expect(big.body.error.message).toContain('exceeded')
  })

  it('keeps per-panel storage and queries a configured SQL source with parameters only', async () => {
    const id = (await api(kernel, 'POST', '/api/panels', { nxml: NOTES })).body.id
    await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'remember', args: { word: 'alpha' } })
    const second = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'remember', args: { word: 'beta' } })
    expect(second.body.state.seen).toEqual(['alpha', 'beta'])
    const other = (await api(kernel, 'POST', '/api/panels', { nxml: NOTES })).body.id
    const fresh = await api(kernel, 'POST', `/api/panels/${other}/trigger`, {
      tool: 'remember',
      args: { word: 'gamma' },
    })
    expect(fresh.body.state.seen).toEqual(['gamma'])

    const cheap = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'cheap', args: { max: 6 } })
    expect(cheap.body.state.rows).toEqual([
      { name: 'pen', price: 2 },
      { name: 'mug', price: 6 },
    ])
    const injected = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'inject' })
    expect(injected.body.error.code).toBe('HANDLER_ERROR')
  })

  it('calls a tool on another panel and delivers emitted events to listeners', async () => {
    const ledger = (await api(kernel, 'POST', '/api/panels', { nxml: LEDGER })).body.id
    const caller = (await api(kernel, 'POST', '/api/panels', { nxml: CALLER })).body.id
    expect(ledger).toEqual(expect.any(String))
    const called = await api(kernel, 'POST', `/api/panels/${caller}/trigger`, {
      tool: 'callLedger',
      args: { target: ledger },
    })
    expect(called.body).toEqual({ version: 1, state: { got: 5 } })
    expect((await api(kernel, 'GET', `/api/panels/${ledger}`)).body.state).toEqual({ total: 5, pings: 0 })

    const self = await api(kernel, 'POST', `/api/panels/${caller}/trigger`, {
      tool: 'callLedger',
      args: { target: caller },
    })
    expect(self.body.error.message).toContain('would wait on itself')

    await api(kernel, 'POST', `/api/panels/${caller}/trigger`, { tool: 'ping' })
    const deadline = Date.now() + 5000
    let pings = 0
    while (pings === 0 && Date.now() < deadline) {
      pings = (await api(kernel, 'GET', `/api/panels/${ledger}`)).body.state.pings
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(pings).toBe(2)
    // Lifecycle handlers run on their event only: not over HTTP, nor through $panel.call.
    const direct = await api(kernel, 'POST', `/api/panels/${ledger}/trigger`, { tool: 'lifecycle:event:ping' })
    expect(direct.status).toBe(404)
    const sneaky = CALLER.replace("'add', { n: 5 }", "'lifecycle:event:ping', { payload: { n: 100 } }")
    const sneak = (await api(kernel, 'POST', '/api/panels', { nxml: sneaky })).body.id
    const refused = await api(kernel, 'POST', `/api/panels/${sneak}/trigger`, {
      tool: 'callLedger',
      args: { target: ledger },
    })
    expect(refused.body.error.message).toContain('lifecycle handler')
    expect((await api(kernel, 'GET', `/api/panels/${ledger}`)).body.state.pings).toBe(2)
  })

  it('reports extension health in readiness', async () => {
    expect(await api(kernel, 'GET', '/readyz')).toEqual({ status: 200, body: { status: 'ready' } })
  })
})

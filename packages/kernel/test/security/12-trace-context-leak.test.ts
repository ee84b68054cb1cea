import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { api, startTestKernel } from '../helpers.ts'

// Finding 12 of issue #11: Alice's outbound `nexus.http` requests carried `baggage: trilog.obj_id=<one of
// Bob's panels>` and the same stale `traceparent` on every run. Host calls ran in whatever context the
// sandbox's worker was created in (another tenant's run), and TriLog's internal baggage went to third parties.

const PINGER = `<NexusPanel title="Pinger" version="1.0.0">
  <Data><State name="status" type="number" default="0" /></Data>
  <Logic>
    <Extension name="nexus.http" alias="http" />
    <Tool name="ping">
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
  <View><Text content="Pinger" /></View>
</NexusPanel>`

/** A W3C traceparent: version, trace id, parent span id, flags. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/

describe('outbound requests carry their own run trace and no TriLog baggage (finding 12)', () => {
  let kernel: RunningKernel
  let aliceKey: string
  let echo: Server
  let origin: string
  const seen: { path: string; headers: IncomingHttpHeaders }[] = []
  let bobToken: string
  let alicePanel: string
  let bobPanel: string

  beforeAll(async () => {
    echo = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers })
      res.end('ok')
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(echo.address() as { port: number }).port}`
    ;({ kernel, ownerKey: aliceKey } = await startTestKernel({ httpAllowPrivate: true }))
    const bob = await api(
      kernel,
      'POST',
      '/api/auth/register',
      { email: 'bob@example.com', password: 'bob-password-123', name: 'Bob' },
      null,
    )
    expect(bob.status).toBe(201)
    bobToken = bob.body.accessToken as string
    bobPanel = (await api(kernel, 'POST', '/api/panels', { nxml: PINGER }, bobToken)).body.id as string
    alicePanel = (await api(kernel, 'POST', '/api/panels', { nxml: PINGER })).body.id as string
    expect([bobPanel, alicePanel]).toEqual([expect.any(String), expect.any(String)])
  })
  afterAll(async () => {
    await kernel.close()
    echo.close()
  })

  it("never sends Bob's ids or TriLog baggage with Alice's requests, and a fresh traceparent per run", async () => {
    // Bob's run comes first, so whatever the sandbox sets up on its first run is set up inside Bob's context.
    const first = await api(
      kernel,
      'POST',
      `/api/panels/${bobPanel}/trigger`,
      { tool: 'ping', args: { url: `${origin}/bob` } },
      bobToken,
    )
    expect(first.body.state).toEqual({ status: 200 })

    // Alice's runs each join a trace of her own, sent as a W3C traceparent like the studio would.
    const aliceTraces = ['a1', 'a2', 'a3'].map((n) => n.padEnd(32, '0'))
    for (const [i, traceId] of aliceTraces.entries()) {
      const res = await fetch(`${kernel.url}/api/panels/${alicePanel}/trigger`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${aliceKey}`,
          'content-type': 'application/json',
          traceparent: `00-${traceId}-${'b'.repeat(16)}-01`,
          baggage: `trilog.obj_id=${bobPanel},trilog.obj_type=Panel`,
        },
        body: JSON.stringify({ tool: 'ping', args: { url: `${origin}/alice/${i}` } }),
      })
      expect(((await res.json()) as { state: unknown }).state).toEqual({ status: 200 })
    }

    const alice = seen.filter((s) => s.path.startsWith('/alice/'))
    expect(alice.map((s) => s.path)).toEqual(['/alice/0', '/alice/1', '/alice/2'])
    for (const { headers } of seen) {
      expect(headers.baggage).toBeUndefined()
      expect(headers.tracestate).toBeUndefined()
      expect(JSON.stringify(headers)).not.toContain('trilog.')
    }
    for (const { headers } of alice) {
      expect(JSON.stringify(headers)).not.toContain(bobPanel)
    }
    const parents = alice.map((s) => TRACEPARENT.exec(String(s.headers.traceparent)))
    // Each request is in the trace of the run that made it, under that run's own span.
    expect(parents.map((p) => p?.[1])).toEqual(aliceTraces)
    const spans = parents.map((p) => p?.[2])
    expect(new Set(spans).size).toBe(3)
    expect(spans).not.toContain('b'.repeat(16))
    const bobParent = TRACEPARENT.exec(String(seen.find((s) => s.path === '/bob')?.headers.traceparent))
    expect(bobParent?.[1]).toEqual(expect.any(String))
    expect(aliceTraces).not.toContain(bobParent?.[1])
  })
})

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../src/index.ts'
import { COUNTER, TestClient, api, startTestKernel } from './helpers.ts'

const DICE = `<NexusPanel title="Dice" version="1.0.0">
  <Data><State name="rolls" type="list" default="[]" /></Data>
  <Logic>
    <Tool name="roll">
      <Capabilities><Capability type="state:write" scope="rolls" /></Capabilities>
      <Handler>$state.rolls.push({ value: Math.floor(Math.random() * 6) + 1, at: Date.now() })</Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.rolls.length} rolls" /></View>
</NexusPanel>`

describe('time travel over TriLog', () => {
  let kernel: RunningKernel
  let clock: { now: number }
  let ownerKey: string
  let id: string
  const times: number[] = []
  beforeAll(async () => {
    ;({ kernel, clock, ownerKey } = await startTestKernel())
    id = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
    for (let i = 0; i < 3; i++) {
      clock.now += 1000
      times.push(clock.now)
      await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment', args: { step: i + 1 } })
    }
  })
  afterAll(async () => {
    await kernel.close()
  })

  it('lists the timeline with who did what', async () => {
    const { body } = await api(kernel, 'GET', `/api/panels/${id}/timeline`)
    const kinds = body.entries.map((e: { kind: string }) => e.kind)
    expect(kinds.filter((k: string) => k === 'state_change')).toHaveLength(3)
    expect(kinds[0]).toBe('snapshot')
    const change = body.entries.find((e: { kind: string }) => e.kind === 'state_change')
    expect(change.attrs).toMatchObject({
      tool: 'increment',
      args: { step: 1 },
      ops: [{ op: 'replace', path: '/count', value: 1 }],
    })
    expect(change.attrs.actor).toEqual(expect.any(String))
    expect(change.traceId).toMatch(/^[0-9a-f]{32}$/)
    const newest = await api(kernel, 'GET', `/api/panels/${id}/timeline?last=2`)
    expect(newest.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['state_change', 'handler_run'])
    expect(newest.body.entries[0].attrs.args).toEqual({ step: 3 })
  })

  it('diffs two moments and says who changed a path', async () => {
    const diff = await api(kernel, 'GET', `/api/panels/${id}/diff?from=${times[0]}&to=${times[2]}`)
    expect(diff.body.ops).toEqual([{ op: 'replace', path: '/count', value: 6 }])
    const who = await api(kernel, 'GET', `/api/panels/${id}/who-changed?path=/count`)
    expect(who.body.changes.map((c: { tool: string }) => c.tool)).toEqual(['increment', 'increment', 'increment'])
    expect((await api(kernel, 'GET', `/api/panels/${id}/who-changed?path=count`)).status).toBe(400)
  })

  it('finds the process that caused a change and shows its trace', async () => {
    const cause = await api(kernel, 'GET', `/api/panels/${id}/cause?at=${times[1]! + 10}`)
    expect(cause.body.change).toMatchObject({ kind: 'state_change', attrs: { args: { step: 2 } } })
    const traceId = cause.body.change.traceId as string
    expect(cause.body.spans.map((s: { name: string }) => s.name)).toContain('PanelExecution')
    const trace = await api(kernel, 'GET', `/api/traces/${traceId}`)
    expect(trace.body.spans[0]).toMatchObject({ traceId, name: 'PanelExecution', objType: 'Panel', objId: id })
    expect((await api(kernel, 'GET', `/api/traces/${traceId}`, undefined, null)).status).toBe(401)
  })

  it('joins the trace of a caller that sends traceparent, over HTTP and WebSocket', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const res = await fetch(`${kernel.url}/api/panels/${id}/trigger`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ownerKey}`,
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ tool: 'increment' }),
    })
    expect(res.status).toBe(200)
    const { body } = await api(kernel, 'GET', `/api/panels/${id}/timeline?last=2`)
    expect(body.entries[0]).toMatchObject({ kind: 'state_change', traceId })
    const trace = await api(kernel, 'GET', `/api/traces/${traceId}`)
    expect(trace.body.spans[0]).toMatchObject({ name: 'PanelExecution', parentSpanId: '00f067aa0ba902b7' })

    const wsTrace = 'aaaabbbbccccddddeeeeffff00001111'
    const c = await TestClient.connect(kernel)
    c.send({
      type: 'trigger',
      reqId: 't',
      panelId: id,
      tool: 'increment',
      traceparent: `00-${wsTrace}-1111222233334444-01`,
    })
    await c.next((m) => m.type === 'ack')
    c.close()
    const after = await api(kernel, 'GET', `/api/panels/${id}/timeline?last=2`)
    expect(after.body.entries[0]).toMatchObject({ kind: 'state_change', traceId: wsTrace })
  })

  it('re-executes a recorded run with its seed and clock and gets the same operations', async () => {
    const dice = (await api(kernel, 'POST', '/api/panels', { nxml: DICE })).body.id
    for (let i = 0; i < 3; i++) {
      clock.now += 777
      await api(kernel, 'POST', `/api/panels/${dice}/trigger`, { tool: 'roll' })
    }
    for (const version of [1, 2, 3]) {
      const replay = await api(kernel, 'POST', `/api/panels/${dice}/changes/${version}/replay`, {})
      expect(replay.body).toMatchObject({ version, tool: 'roll', identical: true })
      expect(replay.body.replayed).toEqual(replay.body.recorded)
    }
    // Editing the handler means the old run can no longer be re-executed as it was.
    const nxml = (await api(kernel, 'GET', `/api/panels/${dice}`)).body.nxml as string
    await api(kernel, 'PUT', `/api/panels/${dice}/nxml`, { nxml: nxml.replace('* 6', '* 20') })
    expect((await api(kernel, 'POST', `/api/panels/${dice}/changes/2/replay`, {})).body.error.code).toBe(
      'HANDLER_CHANGED',
    )
    expect((await api(kernel, 'POST', `/api/panels/${dice}/changes/4/replay`, {})).body.error.code).toBe(
      'NOT_A_HANDLER_RUN',
    )
  })

  it("re-runs a failed run as a dry run: the same failure, then the fixed handler's operations", async () => {
    const FUSE = `<NexusPanel title="Fuse" version="1.0.0">
  <Data><State name="n" type="number" default="5" /></Data>
  <Logic>
    <Tool name="blow">
      <Arg name="by" type="number" />
      <Capabilities><Capability type="state:write" scope="n" /></Capabilities>
      <Handler>if ($state.n > 0) throw new Error('fuse lit at ' + $state.n)
$state.n += $args.by</Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.n}" /></View>
</NexusPanel>`
    const fuse = (await api(kernel, 'POST', '/api/panels', { nxml: FUSE })).body.id
    clock.now += 1000
    const failedAt = clock.now
    expect((await api(kernel, 'POST', `/api/panels/${fuse}/trigger`, { tool: 'blow', args: { by: 2 } })).status).toBe(
      422,
    )
    const { entries } = (await api(kernel, 'GET', `/api/panels/${fuse}/timeline`)).body
    const failure = entries.find((e: { kind: string }) => e.kind === 'trigger_failed')
    expect(failure.ts).toBe(failedAt)
    const path = `/api/panels/${fuse}/failures/${failure.ts}/${failure.seq}/replay`
    const again = await api(kernel, 'POST', path, {})
    expect(again.body).toEqual({
      ts: failedAt,
      seq: failure.seq,
      tool: 'blow',
      recorded: { code: 'HANDLER_ERROR', message: expect.stringContaining('fuse lit at 5') },
      reproduced: true,
      replayed: null,
      error: { code: 'HANDLER_ERROR', message: expect.stringContaining('fuse lit at 5') },
    })
    // Fixed: the same run from the same state and arguments now gives operations; nothing is applied.
    const nxml = (await api(kernel, 'GET', `/api/panels/${fuse}`)).body.nxml as string
    await api(kernel, 'PUT', `/api/panels/${fuse}/nxml`, { nxml: nxml.replace('$state.n > 0', '$state.n > 10') })
    const fixed = await api(kernel, 'POST', path, {})
    expect(fixed.body).toMatchObject({ reproduced: false, replayed: [{ op: 'replace', path: '/n', value: 7 }] })
    expect(fixed.body.error).toBeUndefined()
    expect((await api(kernel, 'GET', `/api/panels/${fuse}`)).body.state).toEqual({ n: 5 })
    expect(
      (await api(kernel, 'POST', `/api/panels/${fuse}/failures/${failure.ts}/${failure.seq + 1}/replay`, {})).status,
    ).toBe(404)
    expect((await api(kernel, 'POST', `/api/panels/${fuse}/failures/soon/0/replay`, {})).status).toBe(400)
  })

  it('computes per-tool baselines for anomaly flags', async () => {
    // Spans carry real time (OTel measures durations), so the window ends now.
    const { body } = await api(kernel, 'GET', `/api/panels/${id}/anomalies?from=0&to=${Date.now() + 60_000}`)
    expect(body.baselines).toEqual([expect.objectContaining({ tool: `${id}/increment`, count: 5, errorRate: 0 })])
    expect(body.flags).toEqual([])
  })

  it('ingests OTLP/HTTP JSON on the kernel port for authenticated senders', async () => {
    const dir = fileURLToPath(new URL('../../trilog/test/conformance/otlp/', import.meta.url))
    const payload = readFileSync(dir + 'trace.json', 'utf8')
    expect((await api(kernel, 'POST', '/v1/traces', JSON.parse(payload), null)).status).toBe(401)
    const sent = await api(kernel, 'POST', '/v1/traces', JSON.parse(payload))
    expect(sent).toEqual({ status: 200, body: { partialSuccess: {} } })
    const traceId = (JSON.parse(payload).resourceSpans[0].scopeSpans[0].spans[0].traceId as string).toLowerCase()
    // Spans of no Nexus panel are visible to any signed-in caller.
    expect((await api(kernel, 'GET', `/api/traces/${traceId}`)).body.spans.length).toBeGreaterThan(0)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES } from '@nexus/protocol'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, TestClient, api, type KernelFactory } from '../helpers.ts'

/** A panel whose state records the order its triggers ran in. */
const TRAIL = `<NexusPanel title="Trail" version="1.0.0">
  <Data><State name="trail" type="string" default="" /></Data>
  <Logic>
    <Tool name="add" description="Append a number">
      <Arg name="n" type="number" />
      <Capabilities><Capability type="state:write" scope="trail" /></Capabilities>
      <Handler>$state.trail = $state.trail + ',' + $args.n</Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.trail}" /></View>
</NexusPanel>`

/** The suite, against whatever database `open` gives the kernel. */
export function wsSuite(open: KernelFactory): void {
  describe('kernel WebSocket sync', () => {
    let kernel: RunningKernel
    let panelId: string
    beforeAll(async () => {
      ;({ kernel } = await open())
      panelId = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
    })
    afterAll(async () => {
      await kernel.close()
    })

    it('sends a snapshot, then broadcasts every change to every subscriber', async () => {
      const a = await TestClient.connect(kernel)
      const b = await TestClient.connect(kernel)
      for (const c of [a, b]) {
        c.send({ type: 'subscribe', reqId: 's', channel: `panel:${panelId}` })
        const snapshot = await c.next((m) => m.type === 'snapshot')
        expect(snapshot).toMatchObject({ type: 'snapshot', version: 0, panel: { id: panelId, state: { count: 0 } } })
        expect(await c.next((m) => m.type === 'ack')).toEqual({ type: 'ack', reqId: 's', result: { version: 0 } })
      }
      a.send({ type: 'trigger', reqId: 't1', panelId, tool: 'increment', args: { step: 2 } })
      const patch = {
        type: 'patch',
        channel: `panel:${panelId}`,
        version: 1,
        ops: [{ op: 'replace', path: '/count', value: 2 }],
      }
      expect(await a.next((m) => m.type === 'patch')).toEqual(patch)
      expect(await b.next((m) => m.type === 'patch')).toEqual(patch)
      expect(await a.next((m) => m.type === 'ack')).toEqual({ type: 'ack', reqId: 't1', result: { version: 1 } })
      // HTTP triggers take the same path.
      await api(kernel, 'POST', `/api/panels/${panelId}/trigger`, { tool: 'increment' })
      expect(await b.next((m) => m.type === 'patch')).toMatchObject({
        version: 2,
        ops: [{ op: 'replace', path: '/count', value: 3 }],
      })
      a.close()
      b.close()
    })

    it("answers a run's $emit events to the client that triggered it only (the studio's toasts)", async () => {
      const nxml = `<NexusPanel title="Toaster" version="1.0.0">
  <Data><State name="n" type="number" default="0" /></Data>
  <Logic>
    <Tool name="save">
      <Capabilities><Capability type="state:write" scope="n" /><Capability type="events:emit" scope="toast" /></Capabilities>
      <Handler>$state.n += 1
$emit('toast', { message: 'Saved ' + $state.n, tone: 'success' })</Handler>
    </Tool>
  </Logic>
  <View><Button label="Save" trigger="save" /></View>
</NexusPanel>`
      const id = (await api(kernel, 'POST', '/api/panels', { nxml })).body.id
      const a = await TestClient.connect(kernel)
      const b = await TestClient.connect(kernel)
      for (const c of [a, b]) {
        c.send({ type: 'subscribe', reqId: 's', channel: `panel:${id}` })
        await c.next((m) => m.type === 'ack')
      }
      a.send({ type: 'trigger', reqId: 't', panelId: id, tool: 'save' })
      expect(await a.next((m) => m.type === 'ack')).toEqual({
        type: 'ack',
        reqId: 't',
        result: { version: 1, events: [{ name: 'toast', payload: { message: 'Saved 1', tone: 'success' } }] },
      })
      // The other subscriber sees the change, not the event.
      expect(await b.next((m) => m.type === 'patch')).toMatchObject({ version: 1 })
      a.close()
      b.close()
    })

    it('answers malformed messages with an error and keeps the connection usable', async () => {
      const c = await TestClient.connect(kernel)
      c.send('{not json')
      expect(await c.next((m) => m.type === 'error')).toEqual({
        type: 'error',
        error: { code: 'BAD_MESSAGE', message: 'The message is not valid JSON' },
      })
      c.send({ type: 'subscribe', reqId: 'x1', channel: 'nope' })
      const bad = await c.next((m) => m.type === 'error')
      expect(bad).toMatchObject({ type: 'error', reqId: 'x1', error: { code: 'BAD_MESSAGE' } })
      c.send({ type: 'launch-missiles', reqId: 'x2' })
      expect(await c.next((m) => m.type === 'error')).toMatchObject({ reqId: 'x2', error: { code: 'BAD_MESSAGE' } })
      c.send({ type: 'ping', reqId: 'x3', extra: 'x'.repeat(MAX_MESSAGE_BYTES) })
      expect(await c.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'MESSAGE_TOO_LARGE' } })
      c.send({ type: 'trigger', reqId: 'x4', panelId, tool: 'nope' })
      expect(await c.next((m) => m.type === 'error')).toMatchObject({ reqId: 'x4', error: { code: 'TOOL_NOT_FOUND' } })
      c.send({ type: 'subscribe', reqId: 'x5', channel: 'panel:doesnotexist' })
      expect(await c.next((m) => m.type === 'error')).toMatchObject({ reqId: 'x5', error: { code: 'NOT_FOUND' } })
      c.send({ type: 'ping', reqId: 'x6' })
      expect(await c.next((m) => m.type === 'pong')).toEqual({ type: 'pong', reqId: 'x6' })
      c.close()
    })

    // Issue #12: on PostgreSQL the role check before the panel's queue awaits the database, so a later trigger
    // from one socket could pass it first and run first (binds were already chained per client).
    it('applies 200 triggers pipelined on one socket in the order sent, and acks them in that order', async () => {
      const trail = (await api(kernel, 'POST', '/api/panels', { nxml: TRAIL })).body.id as string
      const c = await TestClient.connect(kernel)
      const count = 200
      for (let n = 0; n < count; n++)
        c.send({ type: 'trigger', reqId: `o${n}`, panelId: trail, tool: 'add', args: { n } })
      const answers = []
      for (let n = 0; n < count; n++) answers.push(await c.next((m) => m.type === 'ack' || m.type === 'error', 60_000))
      expect(answers.map((m) => m.type === 'ack' && [m.reqId, (m.result as { version: number }).version])).toEqual(
        Array.from({ length: count }, (_, n) => [`o${n}`, n + 1]),
      )
      const expected = Array.from({ length: count }, (_, n) => `,${n}`).join('')
      expect((await api(kernel, 'GET', `/api/panels/${trail}`)).body).toMatchObject({
        version: count,
        state: { trail: expected },
      })
      c.close()
    }, 120_000)

    it('resumes a client that dropped for 100 patches with exactly those patches', async () => {
      const c = await TestClient.connect(kernel)
      c.send({ type: 'subscribe', reqId: 's', channel: `panel:${panelId}` })
      const { version } = (await c.next((m) => m.type === 'snapshot')) as { version: number }
      c.close()
      for (let i = 0; i < 100; i++) await api(kernel, 'POST', `/api/panels/${panelId}/trigger`, { tool: 'increment' })
      const back = await TestClient.connect(kernel)
      back.send({ type: 'subscribe', reqId: 'r', channel: `panel:${panelId}`, since: version })
      const received = await back.until((m) => m.type === 'ack')
      expect(received.map((m) => m.type === 'patch' && [m.version, m.ops])).toEqual([
        ...Array.from({ length: 100 }, (_, k) => [version + k + 1, [{ op: 'replace', path: '/count', value: 4 + k }]]),
        false,
      ])
      expect(received.at(-1)).toEqual({ type: 'ack', reqId: 'r', result: { version: version + 100 } })
      // A client that is current gets nothing but the ack.
      back.send({ type: 'subscribe', reqId: 'r2', channel: `panel:${panelId}`, since: version + 100 })
      expect(await back.until((m) => m.type === 'ack')).toEqual([
        { type: 'ack', reqId: 'r2', result: { version: version + 100 } },
      ])
      back.close()
    })
  })
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, TestClient, api, type KernelFactory } from '../helpers.ts'

const withNote = COUNTER.replace(
  '<State name="count" type="number" default="0" />',
  '<State name="count" type="number" default="0" />\n    <State name="note" type="string" default="hi" />\n    <Computed name="shout" value="$state.note + \'!\'" />',
).replace(
  '<Text content="Double: {$computed.double}" />',
  '<Text content="Double: {$computed.double}" />\n      <Text content="{$computed.shout}" />',
)

/** NXML edits that keep state, rename, duplicate, trash and restore, canvas layout. */
export function panelEditSuite(open: KernelFactory): void {
  describe('panel editing', () => {
    let kernel: RunningKernel
    let id: string
    beforeAll(async () => {
      ;({ kernel } = await open())
      id = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
      for (let i = 0; i < 3; i++) await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment' })
    })
    afterAll(async () => {
      await kernel.close()
    })

    it('keeps state that still fits, reports what does not, and resets subscribers', async () => {
      const watcher = await TestClient.connect(kernel)
      watcher.send({ type: 'subscribe', reqId: 's', channel: `panel:${id}` })
      await watcher.next((m) => m.type === 'ack')

      const edited = await api(kernel, 'PUT', `/api/panels/${id}/nxml`, { nxml: withNote })
      expect(edited).toEqual({ status: 200, body: { version: 4, state: { count: 3, note: 'hi' }, dropped: [] } })
      expect(await watcher.next((m) => m.type === 'snapshot')).toMatchObject({
        version: 4,
        panel: { nxml: withNote, state: { count: 3, note: 'hi' } },
      })

      const retyped = withNote.replace(
        'name="count" type="number" default="0"',
        'name="count" type="string" default="zero"',
      )
      const noNote = retyped
        .replace(/\n\s*<State name="note"[^\n]*/, '')
        .replace(/\n\s*<Computed name="shout"[^\n]*/, '')
        .replace(/\n\s*<Text content="\{\$computed.shout\}" \/>/, '')
      const second = await api(kernel, 'PUT', `/api/panels/${id}/nxml`, {
        nxml: noNote.replace('$state.count * 2', '$state.count'),
      })
      expect(second.body).toEqual({
        version: 5,
        state: { count: 'zero' },
        dropped: [
          { key: 'count', reason: 'its value does not fit the new type string; reset to the default' },
          { key: 'note', reason: 'no longer declared' },
        ],
      })
      watcher.close()
    })

    it('refuses NXML with errors and changes nothing', async () => {
      const before = (await api(kernel, 'GET', `/api/panels/${id}`)).body
      const bad = await api(kernel, 'PUT', `/api/panels/${id}/nxml`, { nxml: '<NexusPanel title="x">' })
      expect(bad.status).toBe(422)
      expect(bad.body.error.code).toBe('NXML_INVALID')
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body).toEqual(before)
    })

    it('sends a snapshot to a client resuming across an edit', async () => {
      const p = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
      await api(kernel, 'POST', `/api/panels/${p}/trigger`, { tool: 'increment' })
      await api(kernel, 'PUT', `/api/panels/${p}/nxml`, { nxml: withNote })
      const c = await TestClient.connect(kernel)
      c.send({ type: 'subscribe', reqId: 'r', channel: `panel:${p}`, since: 0 })
      const got = await c.until((m) => m.type === 'ack')
      expect(got.map((m) => m.type)).toEqual(['snapshot', 'ack'])
      expect(got[0]).toMatchObject({ version: 2, panel: { nxml: withNote, state: { count: 1, note: 'hi' } } })
      c.close()
    })

    it('renames in the NXML itself, duplicates with state, and moves on the canvas', async () => {
      const p = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
      await api(kernel, 'POST', `/api/panels/${p}/trigger`, { tool: 'increment', args: { step: 7 } })
      const renamed = await api(kernel, 'PATCH', `/api/panels/${p}`, {
        title: 'Clicks & "taps"',
        layout: { x: 2, y: 3, w: 6, h: 5 },
      })
      expect(renamed.body).toEqual({ id: p, title: 'Clicks & "taps"', version: 2, layout: { x: 2, y: 3, w: 6, h: 5 } })
      const got = (await api(kernel, 'GET', `/api/panels/${p}`)).body
      expect(got.nxml).toContain('<NexusPanel title="Clicks &amp; &quot;taps&quot;" version="1.0.0">')
      expect(got.state).toEqual({ count: 7 })

      const copy = await api(kernel, 'POST', `/api/panels/${p}/duplicate`, {})
      expect(copy.status).toBe(201)
      expect(copy.body).toMatchObject({ title: 'Clicks & "taps" (copy)', version: 0, state: { count: 7 } })
      expect((await api(kernel, 'GET', `/api/panels/${copy.body.id}`)).body.layout).toEqual({ x: 3, y: 4, w: 6, h: 5 })
      expect((await api(kernel, 'PATCH', `/api/panels/${p}`, {})).status).toBe(400)
    })

    it('moves a panel to the trash and back', async () => {
      const p = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
      expect((await api(kernel, 'DELETE', `/api/panels/${p}`)).status).toBe(204)
      expect((await api(kernel, 'GET', `/api/panels/${p}`)).status).toBe(404)
      expect((await api(kernel, 'POST', `/api/panels/${p}/trigger`, { tool: 'increment' })).status).toBe(404)
      const live = (await api(kernel, 'GET', '/api/panels')).body.panels.map((x: { id: string }) => x.id)
      const trash = (await api(kernel, 'GET', '/api/panels?trashed=true')).body.panels.map((x: { id: string }) => x.id)
      expect(live).not.toContain(p)
      expect(trash).toEqual([p])
      expect((await api(kernel, 'POST', `/api/panels/${p}/restore`, {})).status).toBe(204)
      expect((await api(kernel, 'POST', `/api/panels/${p}/restore`, {})).body.error.code).toBe('NOT_TRASHED')
      expect((await api(kernel, 'GET', `/api/panels/${p}`)).body.state).toEqual({ count: 0 })
    })
  })
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPatch, type Json, type ServerMessage } from '@nexus/protocol'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, TestClient, api, type KernelFactory } from '../helpers.ts'

const CLIENTS = 50
const TRIGGERS = 10_000

/** 50 WebSocket clients, 10,000 triggers on one panel: everyone ends in step with the database. */
export function concurrencySuite(open: KernelFactory): void {
  describe('kernel under concurrent triggers', () => {
    let kernel: RunningKernel
    beforeAll(async () => {
      ;({ kernel } = await open())
    })
    afterAll(async () => {
      await kernel.close()
    })

    it(`keeps ${CLIENTS} clients and the database in step over ${TRIGGERS} triggers`, async () => {
      const id = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id as string
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => TestClient.connect(kernel)))
      const views = clients.map(() => ({ state: null as Json, version: -1, gaps: 0 }))
      clients.forEach((client, i) => {
        client.socket.on('message', (data) => {
          const m = JSON.parse(String(data)) as ServerMessage
          const view = views[i]!
          if (m.type === 'snapshot' && m.panel) Object.assign(view, { state: m.panel.state, version: m.version })
          if (m.type === 'patch') {
            if (m.version !== view.version + 1) view.gaps++
            const next = applyPatch(view.state, m.ops)
            if (next.ok) Object.assign(view, { state: next.value, version: m.version })
          }
        })
      })
      await Promise.all(
        clients.map(async (c) => {
          c.send({ type: 'subscribe', reqId: 'sub', channel: `panel:${id}` })
          await c.next((m) => m.type === 'ack')
        }),
      )

      // Each client pipelines its share without waiting; acks are counted as they come.
      let acked = 0
      await Promise.all(
        clients.map(async (c, i) => {
          const share = TRIGGERS / CLIENTS
          for (let k = 0; k < share; k++)
            c.send({ type: 'trigger', reqId: `${i}-${k}`, panelId: id, tool: 'increment' })
          for (let k = 0; k < share; k++) {
            const m = await c.next(
              (x) => (x.type === 'ack' || x.type === 'error') && x.reqId?.startsWith(`${i}-`) === true,
              120_000,
            )
            if (m.type === 'ack') acked++
          }
        }),
      )
      const stored = (await api(kernel, 'GET', `/api/panels/${id}`)).body
      expect(acked).toBe(TRIGGERS)
      expect(stored).toMatchObject({ version: TRIGGERS, state: { count: TRIGGERS } })
      const deadline = Date.now() + 30_000
      while (views.some((v) => v.version < TRIGGERS) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50))
      for (const view of views) expect(view).toEqual({ state: stored.state, version: stored.version, gaps: 0 })
      for (const c of clients) c.close()
    }, 1_200_000) // only a hang detector: on two cores at load ~20 the 10,000 triggers took over 5 min
  })
}

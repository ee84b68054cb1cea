import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClientMessageSchema, CreatePanelRequestSchema, TriggerRequestSchema } from '@nexus/protocol'
import type { RunningKernel } from '../src/index.ts'
import { COUNTER, TestClient, api, startTestKernel } from './helpers.ts'
import { FUZZ_SCALE } from './security/fuzzTarget.ts'

const FRAMES = 10_000 * FUZZ_SCALE
/**
 * Each body is one HTTP round trip through auth and a route handler, ~5–10 ms here when idle (3 000 took 16 s and 10 000 took 103 s
 * alone and overran 180 s at load 20–27), so the count is fixed at one that leaves a 2-core machine under load
 * room: 3 000 (1 000 per route, every body still checked), more with NEXUS_FUZZ_SCALE.
 */
const BODIES = 3_000 * FUZZ_SCALE
/** The time limit grows with the cases: 60 ms a body, ~6× what one costs on an idle machine. */
const MS_PER_BODY = 60
/** The same for frames, answered in chunks: 10 000 took 2.5 s alone (0.25 ms each), so 12 ms is ~50×. */
const MS_PER_FRAME = 12
/** Frames sent before waiting for their answers: well under a socket's message burst. */
const CHUNK = 500

/** Values shaped like client messages: right and wrong types, missing fields, hostile keys, junk. */
const messageLike = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record(
    {
      type: fc.constantFrom('hello', 'subscribe', 'unsubscribe', 'trigger', 'ping', 'patch', '__proto__', ''),
      reqId: fc.oneof(fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)),
      channel: fc.oneof(fc.string(), fc.constant('panel:'), fc.constant('panel:../../etc')),
      panelId: fc.oneof(fc.string({ maxLength: 100 }), fc.integer()),
      tool: fc.oneof(fc.string(), fc.constant('constructor'), fc.constant('__proto__')),
      args: fc.oneof(fc.jsonValue(), fc.constant({ __proto__: { polluted: true } })),
      since: fc.oneof(fc.integer(), fc.double(), fc.string()),
    },
    { requiredKeys: [] },
  ),
)

describe('kernel fuzzed with malformed frames and bodies', () => {
  let kernel: RunningKernel
  let panelId: string
  let ownerKey: string
  beforeAll(async () => {
    ;({ kernel, ownerKey } = await startTestKernel())
    panelId = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
  })
  afterAll(async () => {
    await kernel.close()
  })

  it(
    `answers ${FRAMES} malformed WebSocket frames with errors and changes nothing`,
    async () => {
      const client = await TestClient.connect(kernel)
      const frames = fc
        .sample(messageLike, FRAMES * 2)
        .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
        .filter((text) => {
          try {
            return !ClientMessageSchema.safeParse(JSON.parse(text)).success
          } catch {
            return true
          }
        })
        .slice(0, FRAMES)
      expect(frames).toHaveLength(FRAMES)
      // In chunks within the socket's message budget, each awaited: a flood is refused as such.
      const replies: Awaited<ReturnType<TestClient['until']>> = []
      for (let start = 0; start < FRAMES; start += CHUNK) {
        for (const frame of frames.slice(start, start + CHUNK)) client.send(frame)
        client.send({ type: 'ping', reqId: `done-${start}` })
        replies.push(...(await client.until((m) => m.type === 'pong' && m.reqId === `done-${start}`, 60_000)))
      }
      expect(replies.filter((m) => m.type !== 'pong').every((m) => m.type === 'error')).toBe(true)
      expect(replies).toHaveLength(FRAMES + Math.ceil(FRAMES / CHUNK))
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      client.close()
      expect((await api(kernel, 'GET', `/api/panels/${panelId}`)).body).toMatchObject({
        version: 0,
        state: { count: 0 },
      })
    },
    FRAMES * MS_PER_FRAME,
  )

  it(
    `answers ${BODIES} malformed HTTP bodies with JSON errors and changes nothing`,
    async () => {
      const routes = ['/api/panels', `/api/panels/${panelId}/trigger`, '/api/nxml/validate']
      const bodies = fc.sample(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        BODIES,
      )
      let i = 0
      for (const body of bodies) {
        const path = routes[i++ % routes.length]!
        const res = await fetch(kernel.url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerKey}` },
          body,
        })
        const json = (await res.json()) as { error?: { code: string; message: string } }
        let parsed: unknown
        try {
          parsed = JSON.parse(body)
        } catch {
          parsed = undefined
        }
        const acceptable =
          (path === '/api/panels' && CreatePanelRequestSchema.safeParse(parsed).success) ||
          (path.endsWith('/trigger') && TriggerRequestSchema.safeParse(parsed).success) ||
          (path === '/api/nxml/validate' && res.status === 200)
        if (!acceptable) {
          expect(res.status).toBeGreaterThanOrEqual(400)
          expect(res.status).toBeLessThan(500)
          expect(json.error).toEqual({ code: expect.any(String), message: expect.any(String) })
        }
      }
      expect((await api(kernel, 'GET', `/api/panels/${panelId}`)).body).toMatchObject({ state: { count: 0 } })
      expect((await api(kernel, 'GET', '/healthz')).status).toBe(200)
    },
    BODIES * MS_PER_BODY,
  )
})

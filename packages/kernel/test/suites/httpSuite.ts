import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, api, type KernelFactory } from '../helpers.ts'

const LOOP = `<NexusPanel title="Loop" version="1.0.0">
  <Data><State name="n" type="number" default="5" /></Data>
  <Logic>
    <Tool name="spin">
      <Capabilities><Capability type="state:write" scope="n" /></Capabilities>
      <Handler>
        $state.n = 99
        while (true) {}
      </Handler>
    </Tool>
    <Tool name="fail">
      <Capabilities><Capability type="state:write" scope="n" /></Capabilities>
      <Handler>
        $state.n = 1
        throw new Error('nope')
      </Handler>
    </Tool>
    <Tool name="sneaky">
      <Capabilities><Capability type="state:write" scope="other" /></Capabilities>
      <Handler>$state.n = 7</Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.n}" /></View>
</NexusPanel>`

/** The suite, against whatever database `open` gives the kernel. */
export function httpSuite(open: KernelFactory): void {
  describe('kernel HTTP API', () => {
    let kernel: RunningKernel
    let clock: { now: number }
    let ownerKey: string
    beforeAll(async () => {
      ;({ kernel, clock, ownerKey } = await open())
    })
    afterAll(async () => {
      await kernel.close()
    })

    it('reports malformed NXML with line and column and keeps running', async () => {
      const broken =
        '<NexusPanel title="X" version="1">\n  <Data>\n    <State name="a" type="number" default="0"\n</NexusPanel>'
      const validated = await api(kernel, 'POST', '/api/nxml/validate', { nxml: broken })
      expect(validated.status).toBe(200)
      expect(validated.body.diagnostics.length).toBeGreaterThan(0)
      for (const d of validated.body.diagnostics) {
        expect(d).toMatchObject({ code: expect.any(String), severity: expect.any(String), message: expect.any(String) })
        expect(d.line).toBeGreaterThanOrEqual(1)
        expect(d.column).toBeGreaterThanOrEqual(1)
      }
      const created = await api(kernel, 'POST', '/api/panels', { nxml: broken })
      expect(created.status).toBe(422)
      expect(created.body.error.code).toBe('NXML_INVALID')
      expect(created.body.error.details.diagnostics).toEqual(validated.body.diagnostics)
      expect((await api(kernel, 'GET', '/api/panels')).status).toBe(200)
    })

    it('creates the counter, runs its tool three times, and rebuilds past state', async () => {
      const created = await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ version: 0, state: { count: 0 } })
      const id = created.body.id as string

      const times: number[] = []
      for (let i = 1; i <= 3; i++) {
        clock.now += 1000
        times.push(clock.now)
        const r = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment', args: { step: 1 } })
        expect(r).toEqual({ status: 200, body: { version: i, state: { count: i } } })
      }
      const got = await api(kernel, 'GET', `/api/panels/${id}`)
      expect(got.body).toMatchObject({ id, nxml: COUNTER, state: { count: 3 }, version: 3 })

      const between = times[1]! + 500
      expect((await api(kernel, 'GET', `/api/panels/${id}/state?at=${between}`)).body).toEqual({
        at: between,
        state: { count: 2 },
        skipped: { count: 0, first: [] },
      })
      expect((await api(kernel, 'GET', `/api/panels/${id}/state?at=${times[2]}`)).body.state).toEqual({ count: 3 })
      expect((await api(kernel, 'GET', `/api/panels/${id}/state?at=1`)).status).toBe(404)

      // Positional args in Arg order, and defaults.
      expect(
        (await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment', args: [5] })).body.state,
      ).toEqual({ count: 8 })
      expect((await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment' })).body.state).toEqual({
        count: 9,
      })
      const badArgs = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'increment', args: { step: 'x' } })
      expect(badArgs.status).toBe(422)
      expect(badArgs.body.error.code).toBe('INVALID_ARGS')
    })

    it('stops a runaway handler with SANDBOX_TIMEOUT and leaves state unchanged', async () => {
      const { body } = await api(kernel, 'POST', '/api/panels', { nxml: LOOP })
      const id = body.id as string
      // How fast the run is stopped is the sandbox's contract (measured in its security suite), not timed here.
      const r = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'spin' })
      expect(r.status).toBe(422)
      expect(r.body.error.code).toBe('SANDBOX_TIMEOUT')
      const thrown = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'fail' })
      expect(thrown.body.error).toMatchObject({ code: 'HANDLER_ERROR', details: { line: 15 } }) // the throw's line in LOOP
      expect(thrown.body.error.message).toContain('nope')
      const denied = await api(kernel, 'POST', `/api/panels/${id}/trigger`, { tool: 'sneaky' })
      expect(denied.status).toBe(403)
      expect(denied.body.error.code).toBe('CAPABILITY_DENIED')
      expect((await api(kernel, 'GET', `/api/panels/${id}`)).body).toMatchObject({ state: { n: 5 }, version: 0 })
    })

    it('answers bad requests with the error shape, never HTML', async () => {
      expect(await api(kernel, 'POST', '/api/panels', '{"nxml": ')).toEqual({
        status: 400,
        body: { error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON' } },
      })
      expect((await api(kernel, 'POST', '/api/panels', { nope: 1 })).body.error.code).toBe('BAD_REQUEST')
      expect((await api(kernel, 'GET', '/api/panels/missing')).status).toBe(404)
      expect((await api(kernel, 'GET', '/api/nothing-here')).body.error.code).toBe('NOT_FOUND')
      expect((await api(kernel, 'POST', '/api/panels/missing/trigger', { tool: 'x' })).body.error.code).toBe(
        'NOT_FOUND',
      )
      const { body } = await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })
      const unknown = await api(kernel, 'POST', `/api/panels/${body.id}/trigger`, { tool: 'decrement' })
      expect(unknown.status).toBe(404)
      expect(unknown.body.error.code).toBe('TOOL_NOT_FOUND')
      const tooBig = await api(kernel, 'POST', '/api/panels', { nxml: 'x'.repeat(2_000_000) })
      expect(tooBig.status).toBe(413)
    })

    it('reports health, readiness and Prometheus metrics', async () => {
      expect(await api(kernel, 'GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } })
      expect(await api(kernel, 'GET', '/readyz')).toEqual({ status: 200, body: { status: 'ready' } })
      const res = await fetch(`${kernel.url}/metrics`)
      expect(res.headers.get('content-type')).toContain('text/plain')
      const text = await res.text()
      expect(text).toMatch(/^nexus_triggers_total\{outcome="ok"\} [1-9]\d*$/m)
      expect(text).toMatch(/^nexus_triggers_total\{outcome="SANDBOX_TIMEOUT"\} 1$/m)
      expect(text).toContain('nexus_trigger_duration_seconds_bucket')
      expect(text).toContain('nexus_process_resident_memory_bytes')
    })

    it('renders a panel to HTML on the server', async () => {
      const { body } = await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })
      await api(kernel, 'POST', `/api/panels/${body.id}/trigger`, { tool: 'increment', args: { step: 41 } })
      const res = await fetch(`${kernel.url}/api/panels/${body.id}/html`, {
        headers: { authorization: `Bearer ${ownerKey}` },
      })
      expect(res.headers.get('content-type')).toContain('text/html')
      const html = await res.text()
      expect(html).toContain('41')
      expect(html).toContain('Double: 82')
    })
  })
}

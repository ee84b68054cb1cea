import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { api, startTestKernel } from '../helpers.ts'

// Finding 13 of issue #11: a handler flooding `$log` and then throwing produced an 8.2 MB error body (1,000
// entries of 8 KiB each went into the error's details) and grew the kernel by 112 MB. A run now keeps 200
// entries and 64 Ki characters of logs, each entry cut at 4 Ki, counted in the guest before anything crosses.
// The floods are 5,000 calls, not more: enough to pass every cap many times over, small enough to finish well
// inside the 1 s handler deadline on a loaded machine (at 20,000 a busy CI core ran into SANDBOX_TIMEOUT).
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const MAX_BODY_BYTES = 128 * 1024

const PANEL = `<NexusPanel title="Logger" version="1.0.0">
  <Data><State name="count" type="number" default="0" /></Data>
  <Logic>
    <Tool name="floodLines">
      <Handler><![CDATA[for (let i = 0; i < 5000; i++) $log('line', i); throw new Error('after the flood')]]></Handler>
    </Tool>
    <Tool name="floodHuge">
      <Handler><![CDATA[const big = 'x'.repeat(1000000); for (let i = 0; i < 500; i++) $log.warn(big, { i }); throw new Error('after the huge logs')]]></Handler>
    </Tool>
    <Tool name="floodObjects">
      <Handler><![CDATA[const o = { list: Array.from({ length: 10000 }, (_, i) => i) }; for (let i = 0; i < 5000; i++) $log.error(o); throw new Error('after the objects')]]></Handler>
    </Tool>
    <Tool name="logAndCount">
      <Capabilities><Capability type="state:write" scope="count" /></Capabilities>
      <Handler><![CDATA[for (let i = 0; i < 1000; i++) $log('step', i); $state.count += 1]]></Handler>
    </Tool>
  </Logic>
  <View><Metric label="Count" value="{$state.count}" /></View>
</NexusPanel>`

interface FloodAnswer {
  status: number
  bytes: number
  body: { error: { code: string; message: string; details: { logs: { level: string; message: string }[] } } }
}

describe('finding 13: a $log flood stays small', () => {
  let kernel: RunningKernel
  let ownerKey: string
  let panelId: string
  beforeAll(async () => {
    ;({ kernel, ownerKey } = await startTestKernel())
    const created = await api(kernel, 'POST', '/api/panels', { nxml: PANEL })
    expect(created.status).toBe(201)
    panelId = created.body.id
  })
  afterAll(async () => {
    await kernel.close()
  })

  const trigger = async (tool: string): Promise<FloodAnswer> => {
    const res = await fetch(`${kernel.url}/api/panels/${panelId}/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool, args: {} }),
    })
    const text = await res.text()
    return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as FloodAnswer['body'] }
  }

  it('answers 5,000 logged lines and a throw with 200 entries and a count of the rest', async () => {
    const answer = await trigger('floodLines')
    expect(answer.status).toBe(422)
    expect(answer.body.error).toMatchObject({
      code: 'HANDLER_ERROR',
      message: expect.stringContaining('after the flood'),
    })
    expect(answer.bytes).toBeLessThan(MAX_BODY_BYTES)
    const logs = answer.body.error.details.logs
    expect(logs).toHaveLength(201)
    expect(logs.slice(0, 2)).toEqual([
      { level: 'info', message: 'line 0' },
      { level: 'info', message: 'line 1' },
    ])
    expect(logs.at(-1)).toEqual({
      level: 'warn',
      message: '… 4800 log lines dropped (a run keeps 200 entries, 65536 characters)',
    })
  })

  it('cuts huge entries at 4 Ki characters and the whole run at 64 Ki', async () => {
    for (const tool of ['floodHuge', 'floodObjects']) {
      const answer = await trigger(tool)
      expect(answer.status).toBe(422)
      expect(answer.bytes).toBeLessThan(MAX_BODY_BYTES)
      const logs = answer.body.error.details.logs
      const kept = logs.slice(0, -1)
      for (const entry of kept) expect(entry.message.length).toBeLessThanOrEqual(4096)
      expect(kept.reduce((sum, entry) => sum + entry.message.length, 0)).toBeLessThanOrEqual(65536)
      expect(kept[0]!.message.endsWith('…')).toBe(true)
      expect(logs.at(-1)!.message).toMatch(/^… \d+ log lines dropped \(a run keeps 200 entries, 65536 characters\)$/)
    }
  })

  it('lets a handler that logs a lot and succeeds apply its change', async () => {
    const answer = await api(kernel, 'POST', `/api/panels/${panelId}/trigger`, { tool: 'logAndCount', args: {} })
    expect(answer.status).toBe(200)
    expect(answer.body.state).toEqual({ count: 1 })
  })

  it("keeps the kernel's memory bounded over repeated floods", async () => {
    await trigger('floodHuge') // warm: workers and their engines
    gc()
    const before = process.memoryUsage()
    for (let i = 0; i < 4; i++) {
      expect((await trigger('floodLines')).bytes).toBeLessThan(MAX_BODY_BYTES)
      expect((await trigger('floodHuge')).bytes).toBeLessThan(MAX_BODY_BYTES)
    }
    gc()
    const after = process.memoryUsage()
    expect(after.heapUsed - before.heapUsed).toBeLessThan(16 * 1024 * 1024)
    // The sandbox's engines live in worker threads of this process: their memory is capped per module.
    expect(after.rss - before.rss).toBeLessThan(96 * 1024 * 1024)
    expect((await api(kernel, 'GET', '/healthz', undefined, null)).status).toBe(200)
  })
})

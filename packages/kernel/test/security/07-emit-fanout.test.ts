// Finding 7: `$emit` fan-out multiplied per level — one trigger through four chained panels with 10 emits
// each ran 1,111 handlers; 20 each with leftover listeners ran 16,337. Each trigger now has a budget of
// handler runs for everything it causes; past it deliveries are dropped and reported, calls rejected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { MAX_RUNS_PER_TRIGGER } from '../../src/panels/TriggerBudget.ts'
import { api, startTestKernel } from '../helpers.ts'

function panel(title: string, logic: string, state = '<State name="n" type="number" default="0" />'): string {
  return `<NexusPanel title="${title}" version="1.0.0">
  <Data>${state}</Data>
  <Logic>${logic}</Logic>
  <View><Text content="${title}" /></View>
</NexusPanel>`
}

/** A panel that counts its runs and, on `event:<on>` (or its `go` tool), emits `next` `fan` times. */
function level(title: string, on: string | undefined, next: string | undefined, fan: number): string {
  const emits = next ? `for (let i = 0; i < ${fan}; i++) $emit('${next}', { i })` : ''
  const handler = `<Handler>$state.n += 1\n${emits}</Handler>`
  return panel(title, on ? `<Lifecycle on="event:${on}">${handler}</Lifecycle>` : `<Tool name="go">${handler}</Tool>`)
}

describe('finding 7: $emit fan-out is bounded per trigger', () => {
  let kernel: RunningKernel
  /** The panels listening to l1..l3, and how many runs they add up to once both fan-out triggers settled. */
  const fanned = { ids: [] as string[], runs: 0 }

  beforeAll(async () => {
    ;({ kernel } = await startTestKernel())
  })
  afterAll(async () => {
    await kernel.close()
  })

  async function create(nxml: string): Promise<string> {
    const res = await api(kernel, 'POST', '/api/panels', { nxml })
    expect(res.status).toBe(201)
    return res.body.id as string
  }

  async function runs(ids: readonly string[]): Promise<number> {
    let total = 0
    for (const id of ids) total += (await api(kernel, 'GET', `/api/panels/${id}`)).body.state.n as number
    return total
  }

  /** Polls until the panels' run counts add up to `expected` (or gives up, and the assertion shows the count). */
  async function settle(ids: readonly string[], expected: number): Promise<number> {
    const deadline = Date.now() + 30_000
    let total = await runs(ids)
    while (total < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      total = await runs(ids)
    }
    return total
  }

  async function refusedMetric(kind: 'call' | 'event'): Promise<number> {
    const text = (await api(kernel, 'GET', '/metrics')).body as unknown as string
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`nexus_fanout_refused_total{kind="${kind}",reason="budget"}`))
    return line ? Number(line.split(' ').pop()) : 0
  }

  /** The `fanout_refused` TriLog events of these panels; waits for at least one unless `wait` is false. */
  async function refusalEvents(ids: readonly string[], wait = true): Promise<{ trigger: string; limit: number }[]> {
    const deadline = wait ? Date.now() + 30_000 : 0
    for (;;) {
      const found = []
      for (const id of ids) {
        const { body } = await api(kernel, 'GET', `/api/panels/${id}/timeline?last=1000`)
        for (const entry of body.entries) if (entry.kind === 'fanout_refused') found.push(entry.attrs)
      }
      if (found.length > 0 || Date.now() > deadline) return found
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async function chain(fan: number, events: readonly string[]): Promise<string[]> {
    const ids = [await create(level('Start', undefined, events[0], fan))]
    for (let i = 0; i < events.length; i++) ids.push(await create(level(`L${i + 1}`, events[i], events[i + 1], fan)))
    return ids
  }

  it('four chained panels × 10 emits run at most the budget, answer, and report the refusal', async () => {
    const before = await refusedMetric('event')
    const ids = await chain(10, ['l1', 'l2', 'l3'])
    const res = await api(kernel, 'POST', `/api/panels/${ids[0]}/trigger`, { tool: 'go' })
    expect(res.status).toBe(200)
    expect(res.body.state).toEqual({ n: 1 })

    // 1 + 10 + 100 + 1,000 runs were asked for; exactly the budget ran.
    expect(await settle(ids, MAX_RUNS_PER_TRIGGER)).toBe(MAX_RUNS_PER_TRIGGER)
    expect(await refusedMetric('event')).toBeGreaterThan(before)
    const recorded = await refusalEvents(ids)
    expect(recorded.length).toBeGreaterThan(0)
    expect(recorded[0]).toMatchObject({ trigger: expect.any(String), limit: MAX_RUNS_PER_TRIGGER, kind: 'event' })
    expect(new Set(recorded.map((r) => r.trigger)).size).toBe(1)
  })

  it('× 20 emits with leftover listeners from earlier panels stays within the budget too', async () => {
    await chain(10, ['l1', 'l2', 'l3']) // leftovers: they listen to the same events as the new chain
    const ids = await chain(20, ['l1', 'l2', 'l3'])
    // Every panel listening to l1..l3 is counted: the first test's, the leftovers and this chain.
    const all = (await api(kernel, 'GET', '/api/panels')).body.panels.map((p: { id: string }) => p.id) as string[]
    const baseline = await runs(all)
    const res = await api(kernel, 'POST', `/api/panels/${ids[0]}/trigger`, { tool: 'go' })
    expect(res.status).toBe(200)
    expect((await settle(all, baseline + MAX_RUNS_PER_TRIGGER)) - baseline).toBe(MAX_RUNS_PER_TRIGGER)
    Object.assign(fanned, { ids: all, runs: baseline + MAX_RUNS_PER_TRIGGER })
  })

  it('a $panel.call past the budget rejects inside the handler with FANOUT_LIMIT', async () => {
    const counter = await create(panel('Counter', '<Tool name="add"><Handler>$state.n += 1</Handler></Tool>'))
    // Each relay run costs two runs (itself and its call): the budget runs out at a call.
    const relay = await create(
      panel(
        'Relay',
        `<Lifecycle on="event:relay"><Handler>
          try { await $panel.call('${counter}', 'add', {}); $state.n += 1 } catch (e) { $state.refused = e.message }
        </Handler></Lifecycle>`,
        '<State name="n" type="number" default="0" /><State name="refused" type="string" default="" />',
      ),
    )
    const start = await create(level('Burst', undefined, 'relay', 40))
    const before = await refusedMetric('call')
    expect((await api(kernel, 'POST', `/api/panels/${start}/trigger`, { tool: 'go' })).status).toBe(200)

    const deadline = Date.now() + 30_000
    let state = (await api(kernel, 'GET', `/api/panels/${relay}`)).body.state
    while (state.refused === '' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      state = (await api(kernel, 'GET', `/api/panels/${relay}`)).body.state
    }
    expect(state.refused).toMatch(/^FANOUT_LIMIT: trigger \S+ has used its 64 handler runs/)
    // 1 (Burst) + 31 relays that called + 31 calls + the relay whose call was refused = 64.
    expect(state.n).toBe(31)
    expect((await api(kernel, 'GET', `/api/panels/${counter}`)).body.state.n).toBe(31)
    expect(await refusedMetric('call')).toBe(before + 1)
  })

  it('an emit chain within the budget still delivers everything, and a new trigger gets a new budget', async () => {
    const ids = await chain(3, ['m1', 'm2', 'm3'])
    for (let round = 1; round <= 2; round++) {
      expect((await api(kernel, 'POST', `/api/panels/${ids[0]}/trigger`, { tool: 'go' })).status).toBe(200)
      // 1 + 3 + 9 + 27 = 40 runs per trigger, all within the budget.
      expect(await settle(ids, 40 * round)).toBe(40 * round)
    }
    expect(await refusalEvents(ids, false)).toEqual([])
    // Nothing of the fan-out triggers ran late, past their budgets.
    expect(await runs(fanned.ids)).toBe(fanned.runs)
  })

  it('keeps the in-memory listener index current through trash, restore and NXML edits', async () => {
    const start = await create(level('Pinger', undefined, 'k1', 1))
    const listener = await create(level('Listener', 'k1', undefined, 0))
    // Created after the listener, so its delivery comes second: once it has run, the listener's has too.
    const witness = await create(level('Witness', 'k1', undefined, 0))
    const ping = async (times: number, after = witness) => {
      expect((await api(kernel, 'POST', `/api/panels/${start}/trigger`, { tool: 'go' })).status).toBe(200)
      expect(await settle([after], times)).toBe(times)
    }
    const listened = async () => (await api(kernel, 'GET', `/api/panels/${listener}`)).body.state.n as number

    await ping(1)
    expect(await listened()).toBe(1)
    expect((await api(kernel, 'DELETE', `/api/panels/${listener}`)).status).toBe(204)
    await ping(2)
    expect((await api(kernel, 'POST', `/api/panels/${listener}/restore`)).status).toBe(204)
    expect(await listened()).toBe(1) // nothing ran while it was in the trash
    // The restored listener now comes after the first witness: a witness made after it shows it has run.
    const lateWitness = await create(level('Late witness', 'k1', undefined, 0))
    await ping(1, lateWitness)
    expect(await listened()).toBe(2)
    const deaf = level('Listener', 'k2', undefined, 0)
    expect((await api(kernel, 'PUT', `/api/panels/${listener}/nxml`, { nxml: deaf })).status).toBe(200)
    await ping(2, lateWitness)
    expect(await listened()).toBe(2)
  })

  it('delivers no event from a run that was refused', async () => {
    const emitter = await create(
      panel(
        'Emitter',
        `<Tool name="bad"><Handler>$emit('k9', {})\n$state.n = 'not a number'</Handler></Tool>
         <Tool name="good"><Handler>$emit('k9', {})\n$state.n += 1</Handler></Tool>`,
      ),
    )
    const listener = await create(level('K9 listener', 'k9', undefined, 0))
    const bad = await api(kernel, 'POST', `/api/panels/${emitter}/trigger`, { tool: 'bad' })
    expect(bad.status).toBe(422)
    expect(bad.body.error.code).toBe('STATE_INVALID')
    // The good run's delivery is queued after anything the refused run could have sent.
    expect((await api(kernel, 'POST', `/api/panels/${emitter}/trigger`, { tool: 'good' })).status).toBe(200)
    expect(await settle([listener], 1)).toBe(1)
    expect(await runs([listener])).toBe(1)
  })
})

import { expect, it } from 'vitest'
import { findAnomalies, type TrilogEvent, type TrilogStore } from '../../src/index.ts'

/** Anomaly flags over stored handler runs, and retention by `ALTER TABLE … DELETE` (runs last: it deletes). */
export function operations(store: () => TrilogStore): void {
  it('flags handler latency outliers and a rising error rate from stored runs', async () => {
    const t0 = 1_740_000_000_000
    const events: TrilogEvent[] = []
    for (let i = 0; i < 40; i++) {
      const slow = i === 17
      events.push({
        objType: 'Panel',
        objId: 'anomaly',
        ts: t0 + i * 1000,
        seq: i + 1,
        kind: 'state_change',
        attrs: { tool: 'increment', durationMs: slow ? 250 : 10 + (i % 3), ops: [] },
      })
      const failing = i >= 30 ? i % 2 === 0 : i === 5
      events.push({
        objType: 'Panel',
        objId: 'anomaly',
        ts: t0 + i * 1000 + 1,
        seq: i + 1,
        kind: failing ? 'trigger_failed' : 'state_change',
        attrs: failing ? { tool: 'save', error: { code: 'SANDBOX_ERROR' } } : { tool: 'save', durationMs: 20, ops: [] },
      })
    }
    store().record(events)
    const { baselines, flags } = await findAnomalies(store(), t0, t0 + 60_000, { recentFrom: t0 + 30_000 })
    expect(baselines.map((b) => [b.tool, b.count, b.medianMs, b.madMs])).toEqual([
      ['increment', 40, 11, 1],
      ['save', 40, 20, 0],
    ])
    expect(flags).toEqual([
      { kind: 'latency', tool: 'increment', ts: t0 + 17_000, durationMs: 250, score: 161.2, traceId: '' },
      { kind: 'error_rate', tool: 'save', recentRate: 0.5, baselineRate: 1 / 30, recentCount: 10 },
    ])
  })

  it('knows which events it already stores, so an outbox re-sending after a crash stores nothing twice', async () => {
    const at = 1_750_000_000_000
    const event = (seq: number): TrilogEvent => ({
      objType: 'Panel',
      objId: 'outbox-dedupe',
      ts: at + seq,
      seq,
      kind: 'state_change',
      attrs: { version: seq, ops: [{ op: 'add', path: '/items/-', value: seq }] },
    })
    await store().writeNow([event(1), event(2)])
    const left = await store().unstored([event(1), event(2), event(3), { ...event(2), kind: 'handler_run' }])
    expect(left.map((e) => [e.seq, e.kind])).toEqual([
      [3, 'state_change'],
      [2, 'handler_run'],
    ])
    expect(await store().unstored([])).toEqual([])
  })

  it('deletes data older than the retention window and keeps each object right after the cutoff', async () => {
    const events: TrilogEvent[] = [
      { objType: 'Ret', objId: 'r1', ts: 1000, seq: 0, kind: 'snapshot', attrs: { state: { v: 0 } } },
    ]
    for (let i = 1; i <= 9; i++) {
      events.push({
        objType: 'Ret',
        objId: 'r1',
        ts: 1000 + i * 500,
        seq: i,
        kind: 'state_change',
        attrs: { ops: [{ op: 'replace', path: '/v', value: i }] },
      })
    }
    store().record(events)
    await store().flush()
    // retentionMs is 1000 in this suite: at now = 4000 the cutoff is 3000.
    expect(await store().applyRetention(4000)).toBe(3000)
    await store().waitForMutations()
    const left = await store().events('Ret', 'r1')
    expect(left.map((e) => e.ts)).toEqual([3000, 3500, 4000, 4500, 5000, 5500])
    expect(await store().stateAt('Ret', 'r1', 2999)).toBeUndefined()
    expect(await store().stateAt('Ret', 'r1', 3000)).toEqual({ v: 4 })
    expect(await store().stateAt('Ret', 'r1', 3200)).toEqual({ v: 4 })
    expect(await store().stateAt('Ret', 'r1', 5500)).toEqual({ v: 9 })
    const [old] = await store().select<{ n: string }>('SELECT count() AS n FROM trilog_events WHERE ts < 3000')
    expect(Number(old!.n)).toBe(0)
  })
}

import { expect, it } from 'vitest'
import { causeOf, diffStates, timeline, whoChanged, type TrilogEvent, type TrilogStore } from '../../src/index.ts'
import { applyPatch, type Json, type JsonObject } from '@nexus/protocol'

const T0 = 1_710_000_000_000

function change(objId: string, seq: number, ops: Json[], extra: { traceId?: string } & JsonObject = {}): TrilogEvent {
  const { traceId, ...rest } = extra
  return { objType: 'Panel', objId, ts: T0 + seq * 10, seq, kind: 'state_change', traceId, attrs: { ops, ...rest } }
}

/** The object's first event: its whole state at T0. */
function snapshot(objId: string, state: JsonObject): TrilogEvent {
  return { objType: 'Panel', objId, ts: T0, seq: 0, kind: 'snapshot', attrs: { state } }
}

/** Snapshots at write time, timeline, diff, who-changed and cause, on the store under test. */
export function reconstruction(store: () => TrilogStore): void {
  it('writes a snapshot every N changes and starts replays from the nearest one', async () => {
    const id = 'snap-every'
    store().record([snapshot(id, { n: 0 })])
    for (let i = 1; i <= 120; i++) store().record([change(id, i, [{ op: 'replace', path: '/n', value: i }])])
    await store().flush()
    const snaps = await store().select<{ seq: string; state: string }>(
      `SELECT seq, state FROM trilog_snapshots WHERE obj_id = '${id}' ORDER BY seq`,
    )
    expect(snaps.map((s) => [Number(s.seq), JSON.parse(s.state)])).toEqual([
      [50, { n: 50 }],
      [100, { n: 100 }],
    ])
    for (const seq of [0, 49, 50, 51, 99, 100, 101, 120]) {
      expect(await store().stateAt('Panel', id, T0 + seq * 10)).toEqual({ n: seq })
      expect(await store().stateAt('Panel', id, T0 + seq * 10, { useSnapshots: false })).toEqual({ n: seq })
    }
  })

  it('replayAt reports a change that cannot apply instead of skipping it silently', async () => {
    const id = 'skipped-change'
    store().record([
      snapshot(id, { n: 0 }),
      change(id, 1, [{ op: 'replace', path: '/n', value: 1 }]),
      change(id, 2, [{ op: 'remove', path: '/absent' }]),
      change(id, 3, [{ op: 'replace', path: '/n', value: 3 }]),
    ])
    const result = await store().replayAt('Panel', id, T0 + 30)
    expect(result.state).toEqual({ n: 3 })
    expect(result.skipped.count).toBe(1)
    expect(result.skipped.first).toEqual([{ ts: T0 + 20, seq: 2, reason: expect.stringContaining('path') }])
    expect(await store().stateAt('Panel', id, T0 + 30)).toEqual({ n: 3 })
  })

  it('pages through a timeline with summaries', async () => {
    const id = 'timeline'
    store().record([
      snapshot(id, { count: 0 }),
      change(id, 1, [{ op: 'replace', path: '/count', value: 1 }], { tool: 'increment' }),
      {
        objType: 'Panel',
        objId: id,
        ts: T0 + 15,
        seq: 1,
        kind: 'trigger_failed',
        attrs: { tool: 'save', error: { code: 'SANDBOX_TIMEOUT' } },
      },
      change(
        id,
        2,
        [
          { op: 'replace', path: '/count', value: 2 },
          { op: 'add', path: '/last', value: 'x' },
        ],
        { tool: 'increment' },
      ),
    ])
    const first = await timeline(store(), 'Panel', id, { limit: 2 })
    expect(first.entries.map((e) => [e.ts - T0, e.kind, e.summary])).toEqual([
      [0, 'snapshot', 'snapshot'],
      [10, 'state_change', 'increment: replace /count'],
    ])
    expect(first.nextOffset).toBe(2)
    const second = await timeline(store(), 'Panel', id, { limit: 2, offset: first.nextOffset })
    expect(second.entries.map((e) => [e.ts - T0, e.kind, e.summary])).toEqual([
      [15, 'trigger_failed', 'save: failed (SANDBOX_TIMEOUT)'],
      [20, 'state_change', 'increment: replace /count, add /last'],
    ])
    expect(second.nextOffset).toBeUndefined()
    const window = await timeline(store(), 'Panel', id, { from: T0 + 10, to: T0 + 15 })
    expect(window.entries.map((e) => e.ts - T0)).toEqual([10, 15])
  })

  it('diffs two moments as RFC 6902 ops', async () => {
    const id = 'diff'
    store().record([
      snapshot(id, { a: 1, list: [1, 2, 3], gone: true }),
      change(id, 1, [{ op: 'replace', path: '/a', value: 2 }]),
      change(id, 2, [
        { op: 'remove', path: '/list/2' },
        { op: 'remove', path: '/gone' },
        { op: 'add', path: '/new~1key', value: { x: 1 } },
      ]),
    ])
    const ops = await diffStates(store(), 'Panel', id, T0, T0 + 20)
    expect(ops).toEqual([
      { op: 'remove', path: '/gone' },
      { op: 'replace', path: '/a', value: 2 },
      { op: 'remove', path: '/list/2' },
      { op: 'add', path: '/new~1key', value: { x: 1 } },
    ])
    const before = await store().stateAt('Panel', id, T0)
    const after = await store().stateAt('Panel', id, T0 + 20)
    expect(applyPatch(before!, ops)).toEqual({ ok: true, value: after })
  })

  it('answers who changed a path, with actor, tool and trace', async () => {
    const id = 'who'
    store().record([
      snapshot(id, { form: { name: '', age: 0 }, n: 0 }),
      change(id, 1, [{ op: 'replace', path: '/form/name', value: 'Ada' }], {
        tool: 'rename',
        actor: 'u1',
        traceId: 'a'.repeat(32),
      }),
      change(id, 2, [{ op: 'replace', path: '/n', value: 1 }], { tool: 'inc', actor: 'u2' }),
      change(id, 3, [{ op: 'replace', path: '/form', value: { name: 'Bo', age: 3 } }], { tool: 'reset', actor: 'u3' }),
      change(id, 4, [{ op: 'replace', path: '/form/age', value: 4 }], { tool: 'age', actor: 'u1' }),
    ])
    const who = await whoChanged(store(), 'Panel', id, '/form/name')
    expect(who.map((w) => [w.seq, w.actor, w.tool, w.traceId, w.ops.map((o) => o.path)])).toEqual([
      [1, 'u1', 'rename', 'a'.repeat(32), ['/form/name']],
      [3, 'u3', 'reset', '', ['/form']],
    ])
    expect((await whoChanged(store(), 'Panel', id, '/form')).map((w) => w.seq)).toEqual([1, 3, 4])
  })

  it('keeps what re-execution needs on a state change and finds its cause', async () => {
    const id = 'cause'
    const traceId = 'b'.repeat(32)
    const attrs = {
      tool: 'increment',
      args: { step: 2 },
      seed: 42,
      now: T0 + 5,
      version: 1,
      ops: [{ op: 'replace', path: '/c', value: 2 }],
    }
    store().record([
      snapshot(id, { c: 0 }),
      { objType: 'Panel', objId: id, ts: T0 + 10, seq: 1, kind: 'state_change', traceId, attrs },
    ])
    await store().insertSpans([
      {
        trace_id: traceId,
        span_id: '1'.repeat(16),
        parent_span_id: '',
        name: 'PanelExecution',
        kind: 2,
        start_ts: T0 + 1,
        end_ts: T0 + 10,
        duration_us: 9000,
        status_code: 0,
        status_message: '',
        service: 'nexus',
        scope: 'test',
        obj_type: 'Panel',
        obj_id: id,
        attrs: JSON.stringify({ tool: 'increment' }),
        events: '[]',
        links: '[]',
        resource: '{}',
      },
    ])
    const cause = await causeOf(store(), 'Panel', id, T0 + 100)
    expect(cause?.change.attrs).toEqual(attrs)
    expect(cause?.change.seq).toBe(1)
    expect(cause?.spans.map((s) => [s.name, s.traceId, s.durationUs, s.attrs])).toEqual([
      ['PanelExecution', traceId, 9000, { tool: 'increment' }],
    ])
    expect(await causeOf(store(), 'Panel', id, T0 + 5)).toBeUndefined()
  })
}

import { expect, it } from 'vitest'
import { appliedVersions, migrate, MIGRATIONS, type TrilogStore } from '../../src/index.ts'

/** The first slice's contract, which the kernel relies on: record, stateAt, ordering, quoting. */
export function basics(store: () => TrilogStore): void {
  it('rebuilds state at any moment from a snapshot and later changes', async () => {
    const base = 1_700_000_000_000
    store().record([
      { objType: 'Panel', objId: 'p1', ts: base, seq: 0, kind: 'snapshot', attrs: { state: { count: 0 } } },
      { objType: 'Panel', objId: 'p2', ts: base, seq: 0, kind: 'snapshot', attrs: { state: { count: 100 } } },
    ])
    for (let i = 1; i <= 3; i++) {
      store().record([
        {
          objType: 'Panel',
          objId: 'p1',
          ts: base + i * 1000,
          seq: i,
          kind: 'state_change',
          attrs: { ops: [{ op: 'replace', path: '/count', value: i }] },
        },
      ])
    }
    expect(await store().stateAt('Panel', 'p1', base - 1)).toBeUndefined()
    expect(await store().stateAt('Panel', 'p1', base)).toEqual({ count: 0 })
    expect(await store().stateAt('Panel', 'p1', base + 2500)).toEqual({ count: 2 })
    expect(await store().stateAt('Panel', 'p1', base + 3000)).toEqual({ count: 3 })
    expect(await store().stateAt('Panel', 'p2', base + 3000)).toEqual({ count: 100 })
    expect((await store().events('Panel', 'p1')).map((e) => [e.kind, e.seq])).toEqual([
      ['snapshot', 0],
      ['state_change', 1],
      ['state_change', 2],
      ['state_change', 3],
    ])
  })

  it('orders changes within one millisecond by sequence', async () => {
    const ts = 1_700_000_100_000
    store().record([
      {
        objType: 'Panel',
        objId: 'p3',
        ts,
        seq: 2,
        kind: 'state_change',
        attrs: { ops: [{ op: 'add', path: '/items/-', value: 'b' }] },
      },
      { objType: 'Panel', objId: 'p3', ts, seq: 0, kind: 'snapshot', attrs: { state: { items: [] } } },
      {
        objType: 'Panel',
        objId: 'p3',
        ts,
        seq: 1,
        kind: 'state_change',
        attrs: { ops: [{ op: 'add', path: '/items/-', value: 'a' }] },
      },
    ])
    expect(await store().stateAt('Panel', 'p3', ts)).toEqual({ items: ['a', 'b'] })
  })

  it('keeps object ids with quotes apart and safe', async () => {
    const id = "x' OR 1=1 --\\"
    store().record([{ objType: 'Panel', objId: id, ts: 5, seq: 0, kind: 'snapshot', attrs: { state: { ok: true } } }])
    expect(await store().stateAt('Panel', id, 10)).toEqual({ ok: true })
    expect(await store().stateAt('Panel', 'x', 10)).toBeUndefined()
  })

  it('records applied migrations by version and applies each once', async () => {
    const versions = MIGRATIONS.map((m) => m.version)
    expect(await appliedVersions(store().client)).toEqual(versions)
    expect(await migrate(store().client)).toEqual([])
    expect(await appliedVersions(store().client)).toEqual(versions)
  })
}

import fc from 'fast-check'
import { expect, it } from 'vitest'
import type { Json, JsonObject } from '@nexus/protocol'
import type { TrilogEvent, TrilogStore } from '../../src/index.ts'

type Command =
  | { t: 'inc'; by: number }
  | { t: 'push'; v: string }
  | { t: 'pop' }
  | { t: 'setItem'; i: number; v: string }
  | { t: 'setTag'; k: string; v: number }
  | { t: 'delTag'; k: string }
  | { t: 'nest'; v: Json }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ t: fc.constant('inc' as const), by: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ t: fc.constant('push' as const), v: fc.string({ maxLength: 4 }) }),
  fc.record({ t: fc.constant('pop' as const) }),
  fc.record({ t: fc.constant('setItem' as const), i: fc.nat(), v: fc.string({ maxLength: 4 }) }),
  fc.record({ t: fc.constant('setTag' as const), k: fc.constantFrom('a', 'b/c', 'd~e', 'f'), v: fc.integer() }),
  fc.record({ t: fc.constant('delTag' as const), k: fc.constantFrom('a', 'b/c', 'd~e', 'f') }),
  fc.record({
    t: fc.constant('nest' as const),
    // State never holds these keys (the sandbox refuses them) and applyPatch refuses paths through them.
    v: (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>).filter(
      (v) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(v)),
    ),
  }),
)

interface Model {
  counter: number
  items: string[]
  tags: Record<string, number>
  nested: Json
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1')

/** Applies a command to the writer's model directly (not through JSON Patch) and returns the ops it logs. */
function run(model: Model, c: Command): Json[] {
  switch (c.t) {
    case 'inc':
      model.counter += c.by
      return [{ op: 'replace', path: '/counter', value: model.counter }]
    case 'push':
      model.items.push(c.v)
      return [{ op: 'add', path: '/items/-', value: c.v }]
    case 'pop':
      if (model.items.length === 0) return run(model, { t: 'push', v: 'seed' })
      model.items.pop()
      return [{ op: 'remove', path: `/items/${model.items.length}` }]
    case 'setItem': {
      if (model.items.length === 0) return run(model, { t: 'push', v: c.v })
      const i = c.i % model.items.length
      model.items[i] = c.v
      return [{ op: 'replace', path: `/items/${i}`, value: c.v }]
    }
    case 'setTag':
      model.tags[c.k] = c.v
      return [{ op: 'add', path: `/tags/${esc(c.k)}`, value: c.v }]
    case 'delTag':
      if (!(c.k in model.tags)) return run(model, { t: 'inc', by: 1 })
      delete model.tags[c.k]
      return [{ op: 'remove', path: `/tags/${esc(c.k)}` }]
    case 'nest':
      model.nested = structuredClone(c.v)
      return [{ op: 'replace', path: '/nested', value: c.v }]
  }
}

/**
 * For random sequences of 10,000 state changes, the state rebuilt at a change's time equals the writer's
 * state then — at every snapshot boundary ±1 and at random changes in between.
 */
export function property(store: () => TrilogStore, snapshotEvery: number): void {
  it('rebuilds the writer state at every snapshot boundary ±1 over 10,000 random changes', async () => {
    const N = 10_000
    let runNo = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: N, maxLength: N }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: N, maxLength: N }),
        fc.array(fc.nat({ max: N }), { minLength: 60, maxLength: 60 }),
        async (commands, gaps, randomPicks) => {
          const objId = `prop-${++runNo}-${Date.now()}`
          const t0 = 1_720_000_000_000
          const ts = [t0]
          for (let i = 1; i <= N; i++) ts.push(ts[i - 1]! + gaps[i - 1]!)
          const picks = new Set<number>(randomPicks)
          for (let b = snapshotEvery; b <= N; b += snapshotEvery)
            [b - 1, b, b + 1].forEach((i) => i <= N && picks.add(i))
          // Several changes can share a millisecond: the state at ts[i] is the state after the last of them.
          const lastAt = (i: number) => {
            while (i < N && ts[i + 1] === ts[i]) i++
            return i
          }
          const wanted = new Set([...picks].map(lastAt))
          const model: Model = { counter: 0, items: [], tags: {}, nested: null }
          const expected = new Map<number, JsonObject>()
          const events: TrilogEvent[] = [
            {
              objType: 'Prop',
              objId,
              ts: t0,
              seq: 0,
              kind: 'snapshot',
              attrs: { state: structuredClone(model) as unknown as JsonObject },
            },
          ]
          if (wanted.has(0)) expected.set(0, structuredClone(model) as unknown as JsonObject)
          for (let i = 1; i <= N; i++) {
            const ops = run(model, commands[i - 1]!)
            events.push({ objType: 'Prop', objId, ts: ts[i]!, seq: i, kind: 'state_change', attrs: { ops } })
            if (wanted.has(i)) expected.set(i, JSON.parse(JSON.stringify(model)) as JsonObject)
          }
          for (let i = 0; i < events.length; i += 500) store().record(events.slice(i, i + 500))
          await store().flush()
          const [snapshots] = await store().select<{ n: string }>(
            `SELECT count() AS n FROM trilog_snapshots WHERE obj_type = 'Prop' AND obj_id = '${objId}'`,
          )
          expect(Number(snapshots!.n)).toBe(Math.floor(N / snapshotEvery))
          for (const i of [...picks].sort((a, b) => a - b)) {
            const state = await store().stateAt('Prop', objId, ts[i]!)
            expect(state, `state at change ${i}`).toEqual(expected.get(lastAt(i)))
          }
        },
      ),
      { numRuns: 2 },
    )
  }, 300_000)
}

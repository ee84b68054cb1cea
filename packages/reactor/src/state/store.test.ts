import type { ComputedDecl } from '@nexus/protocol'
import { describe, expect, it } from 'vitest'
import { collectStatePaths } from '../expr/collect.ts'
import { parseExpression } from '../expr/parser.ts'
import { createStore } from './store.ts'

const span = { start: 0, end: 0 }
const computed = (name: string, value: string): ComputedDecl => ({ kind: 'Computed', name, value, span })

function recorder() {
  const calls: string[][] = []
  return { calls, listener: (changed: readonly string[]) => calls.push([...changed]) }
}

describe('createStore', () => {
  it('notifies only the subscribers of the keys a patch touches', () => {
    const store = createStore({ count: 0, todos: [], name: 'x' })
    const count = recorder()
    const todos = recorder()
    const all = recorder()
    store.subscribe(['count'], count.listener)
    store.subscribe(['todos', 'name'], todos.listener)
    store.subscribe('*', all.listener)
    const result = store.applyPatch([{ op: 'replace', path: '/count', value: 1 }])
    expect(result).toMatchInlineSnapshot(`
      {
        "ok": true,
        "value": {
          "changed": [
            "count",
          ],
          "version": 1,
        },
      }
    `)
    expect({ count: count.calls, todos: todos.calls, all: all.calls }).toMatchInlineSnapshot(`
      {
        "all": [
          [
            "count",
          ],
        ],
        "count": [
          [
            "count",
          ],
        ],
        "todos": [],
      }
    `)
    store.applyPatch([{ op: 'add', path: '/todos/-', value: { id: 1 } }])
    expect({ count: count.calls.length, todos: todos.calls, state: store.getState() }).toMatchInlineSnapshot(`
      {
        "count": 1,
        "state": {
          "count": 1,
          "name": "x",
          "todos": [
            {
              "id": 1,
            },
          ],
        },
        "todos": [
          [
            "todos",
          ],
        ],
      }
    `)
  })

  it('keeps untouched values identical after a patch', () => {
    const store = createStore({ a: { deep: [1] }, b: 1 })
    const before = store.get('a')
    store.applyPatch([{ op: 'replace', path: '/b', value: 2 }])
    expect(store.get('a')).toBe(before)
  })

  it('applies a failing patch atomically: nothing changes and nobody hears', () => {
    const store = createStore({ count: 0, list: [1, 2] })
    const heard = recorder()
    store.subscribe('*', heard.listener)
    const result = store.applyPatch([
      { op: 'replace', path: '/count', value: 5 },
      { op: 'remove', path: '/list/7' },
    ])
    expect(result.ok).toBe(false)
    expect({ state: store.getState(), version: store.version, heard: heard.calls }).toMatchInlineSnapshot(`
      {
        "heard": [],
        "state": {
          "count": 0,
          "list": [
            1,
            2,
          ],
        },
        "version": 0,
      }
    `)
    expect(store.applyPatch([{ op: 'replace', path: '', value: [] }])).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "STATE_INVALID",
          "message": "The state must stay an object",
        },
        "ok": false,
      }
    `)
  })

  it('batches writes into one notification', () => {
    const store = createStore({ a: 0, b: 0 })
    const heard = recorder()
    store.subscribe(['a', 'b'], heard.listener)
    store.batch(() => {
      store.applyPatch([{ op: 'replace', path: '/a', value: 1 }])
      store.applyPatch([{ op: 'replace', path: '/b', value: 1 }])
      expect(heard.calls).toEqual([])
    })
    expect(heard.calls).toMatchInlineSnapshot(`
      [
        [
          "a",
          "b",
        ],
      ]
    `)
  })

  it('computes lazily, caches until a dependency changes, and follows computed chains', () => {
    let reads = 0
    const store = createStore({ count: 2, other: 0 }, [
      computed('double', '$state.count * 2'),
      computed('quad', '$computed.double * 2'),
    ])
    const spy = store.subscribe(['count'], () => reads++)
    expect([store.getComputed('quad'), store.getComputed('double')]).toEqual([8, 4])
    const stamp = store.versionStamp(['count'])
    store.applyPatch([{ op: 'replace', path: '/other', value: 1 }])
    expect(store.versionStamp(['count'])).toBe(stamp)
    store.applyPatch([{ op: 'replace', path: '/count', value: 5 }])
    expect([store.getComputed('quad'), reads]).toEqual([20, 1])
    spy()
  })

  it('reports a computed cycle as an error instead of hanging', () => {
    const store = createStore({ n: 1 }, [
      computed('a', '$computed.b + 1'),
      computed('b', '$computed.a + $state.n'),
      computed('self', '$computed.self'),
    ])
    expect([store.readComputed('a'), store.readComputed('self'), store.getComputed('b'), store.readComputed('nope')])
      .toMatchInlineSnapshot(`
      [
        {
          "error": {
            "code": "COMPUTED_CYCLE",
            "message": "Computed "a" depends on itself: a → b → a",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "COMPUTED_CYCLE",
            "message": "Computed "self" depends on itself: self → self",
          },
          "ok": false,
        },
        undefined,
        {
          "error": {
            "code": "UNKNOWN_COMPUTED",
            "message": "No computed named "nope"",
          },
          "ok": false,
        },
      ]
    `)
  })

  it('reports evaluation errors per computed', () => {
    const store = createStore({ n: 1 }, [computed('bad', '$state.missing.x'), computed('syntax', '1 +')])
    expect([store.readComputed('bad'), store.readComputed('syntax')]).toMatchInlineSnapshot(`
      [
        {
          "error": {
            "code": "COMPUTED_ERROR",
            "message": "computed:bad: Cannot read "x" of undefined",
          },
          "ok": false,
        },
        {
          "error": {
            "code": "COMPUTED_ERROR",
            "message": "computed:syntax: Expected an expression",
          },
          "ok": false,
        },
      ]
    `)
  })

  it('maps read paths to the state keys they depend on, through computeds', () => {
    const store = createStore({ a: 1, b: 2, c: 3 }, [
      computed('sum', '$state.a + $state.b'),
      computed('any', '$state[$state.k]'),
    ])
    const deps = (src: string) => {
      const p = parseExpression(src)
      return p.ok ? store.dependenciesOf(collectStatePaths(p.value)) : p.error.message
    }
    expect({
      direct: deps('$state.c.x'),
      computed: deps('$computed.sum + $state.c'),
      dynamic: deps('$computed.any'),
      none: deps('1'),
    }).toMatchInlineSnapshot(`
      {
        "computed": [
          "a",
          "b",
          "c",
        ],
        "direct": [
          "/c/x",
        ],
        "dynamic": "*",
        "none": [],
      }
    `)
  })

  it('resets the whole state, notifying old and new keys, and names its signals', () => {
    const store = createStore({ a: 1, b: 2 })
    const heard = recorder()
    store.subscribe('*', heard.listener)
    store.reset({ b: 3, c: 4 })
    expect({ state: store.getState(), heard: heard.calls, signals: store.debugSignals() }).toMatchInlineSnapshot(`
      {
        "heard": [
          [
            "a",
            "b",
            "c",
          ],
        ],
        "signals": [
          {
            "name": "state:a",
            "version": 1,
          },
          {
            "name": "state:b",
            "version": 1,
          },
          {
            "name": "state:c",
            "version": 1,
          },
        ],
        "state": {
          "b": 3,
          "c": 4,
        },
      }
    `)
  })
})

describe('path subscriptions', () => {
  it('wakes the readers of a written path, its ancestors and descendants only, and shares untouched items', () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ id: i, done: false }))
    const store = createStore({ items, title: 'T' })
    const woken: string[] = []
    for (const key of ['items', '/items/1', '/items/1/done', '/items/3/done', '/items/length', 'title'])
      store.subscribe([key], () => woken.push(key))
    const before = store.get('items') as typeof items
    const stamps = () => ['/items/1', '/items/3/done', '/items/length'].map((k) => store.versionStamp([k]))
    const s0 = stamps()
    expect(store.applyPatch([{ op: 'replace', path: '/items/1/done', value: true }]).ok).toBe(true)
    expect(woken).toEqual(['items', '/items/1', '/items/1/done'])
    const after = store.get('items') as typeof items
    expect(after[3]).toBe(before[3])
    expect(after[1]).not.toBe(before[1])
    expect(before[1]!.done).toBe(false)
    const s1 = stamps()
    expect([s1[0] !== s0[0], s1[1] !== s0[1], s1[2] !== s0[2]]).toEqual([true, false, false])
    woken.length = 0
    store.applyPatch([{ op: 'remove', path: '/items/0' }])
    expect(woken).toEqual(['items', '/items/1', '/items/1/done', '/items/3/done', '/items/length'])
    woken.length = 0
    store.applyPatch([{ op: 'replace', path: '/items', value: [] }])
    expect(woken).toEqual(['items', '/items/1', '/items/1/done', '/items/3/done', '/items/length'])
  })

  it('falls back to the reference patcher for move/copy/test and reports its errors', () => {
    const store = createStore({ a: { x: 1 }, b: {} })
    expect(store.applyPatch([{ op: 'move', from: '/a/x', path: '/b/x' }]).ok).toBe(true)
    expect(store.getState()).toEqual({ a: {}, b: { x: 1 } })
    const bad = store.applyPatch([{ op: 'replace', path: '/a/missing/deep', value: 1 }])
    expect(bad.ok).toBe(false)
    expect(store.getState()).toEqual({ a: {}, b: { x: 1 } })
  })
})

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { JsonObject } from '@nexus/protocol'
import { Sandbox } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

describe('state operations', () => {
  test('counter: compound assignment becomes a replace', async () => {
    const result = await runOk(sandbox, request('$state.count += $args.step'))
    expect(result.ops).toMatchInlineSnapshot(`
      [
        {
          "op": "replace",
          "path": "/count",
          "value": 1,
        },
      ]
    `)
    expect(result.state).toEqual({ count: 1, items: [] })
  })

  test('a deep write (push) becomes an append', async () => {
    const result = await runOk(sandbox, request('$state.items.push({ id: 1 })'))
    expect(result.ops).toMatchInlineSnapshot(`
      [
        {
          "op": "add",
          "path": "/items/-",
          "value": {
            "id": 1,
          },
        },
      ]
    `)
  })

  test('delete becomes a remove; a new key becomes an add', async () => {
    const result = await runOk(sandbox, request('delete $state.items; $state["a/b"] = true'))
    expect(result.ops).toMatchInlineSnapshot(`
      [
        {
          "op": "remove",
          "path": "/items",
        },
        {
          "op": "add",
          "path": "/a~1b",
          "value": true,
        },
      ]
    `)
  })

  test('the caller state is not mutated', async () => {
    const req = request('$state.items.push(1); $state.count = 9')
    await runOk(sandbox, req)
    expect(req.state).toEqual({ count: 0, items: [] })
  })

  test('reassigning the $state binding does not replace the state', async () => {
    const result = await runOk(sandbox, request('$state = { count: 100 }'))
    expect(result.ops).toEqual([])
  })
})

describe('handler globals', () => {
  test('await, return, $log levels and $emit', async () => {
    const code = [
      'const v = await Promise.resolve(2)',
      "$log('v is', v, { a: 1 })",
      "$log.warn('careful')",
      "$log.error('bad', null)",
      "$emit('saved', { v })",
      'return { v }',
    ].join('\n')
    const result = await runOk(sandbox, request(code))
    expect(result.returnValue).toEqual({ v: 2 })
    expect(result.logs).toMatchInlineSnapshot(`
      [
        {
          "level": "info",
          "message": "v is 2 {"a":1}",
        },
        {
          "level": "warn",
          "message": "careful",
        },
        {
          "level": "error",
          "message": "bad null",
        },
      ]
    `)
    expect(result.events).toEqual([{ name: 'saved', payload: { v: 2 } }])
  })

  test('$args and $computed are frozen copies', async () => {
    const code =
      "'use strict'\ntry { $args.step = 5 } catch (e) { $log(e.name) }\nreturn [$args.step, $computed.double, Object.isFrozen($computed)]"
    const result = await runOk(sandbox, request(code, { computed: { double: 4 } }))
    expect(result.returnValue).toEqual([1, 4, true])
    expect(result.logs).toEqual([{ level: 'info', message: 'TypeError' }])
  })

  test('Date.now() and new Date() return the injected now; both are reported', async () => {
    const result = await runOk(
      sandbox,
      request('return [Date.now(), new Date().getTime(), new Date(5).getTime()]', { now: 1234 }),
    )
    expect(result.returnValue).toEqual([1234, 1234, 5])
    expect(result.now).toBe(1234)
  })

  test('Math.random is seeded: same seed, same sequence; the seed is reported', async () => {
    const code = 'return [Math.random(), Math.random(), Math.random()]'
    const a = await runOk(sandbox, request(code, { seed: 7 }))
    const b = await runOk(sandbox, request(code, { seed: 7 }))
    const c = await runOk(sandbox, request(code, { seed: 8 }))
    expect(a.returnValue).toEqual(b.returnValue)
    expect(a.returnValue).not.toEqual(c.returnValue)
    expect(a.seed).toBe(7)
    for (const x of a.returnValue as number[]) expect(x >= 0 && x < 1).toBe(true)
    expect(a.returnValue).toEqual(mulberry32(7, 3))
  })

  test('without seed/now the defaults are reported', async () => {
    const before = Date.now()
    const result = await runOk(sandbox, request('return Date.now()', { seed: undefined, now: undefined }))
    expect(result.now).toBeGreaterThanOrEqual(before)
    expect(result.returnValue).toBe(result.now)
    expect(Number.isInteger(result.seed)).toBe(true)
  })

  test('undefined return is null; a non-JSON return value is refused', async () => {
    expect((await runOk(sandbox, request('return undefined'))).returnValue).toBeNull()
    const failure = await runFail(sandbox, request('const a = {}; a.a = a; return a'))
    expect(failure.code).toBe('HANDLER_ERROR')
    expect(failure.message).toMatch(/return value is not JSON-serialisable/)
  })

  test('logs are capped at maxLogs with one note', async () => {
    const result = await runOk(sandbox, request('for (let i = 0; i < 10; i++) $log(i)', { limits: { maxLogs: 3 } }))
    expect(result.logs.map((l) => l.message)).toEqual([
      '0',
      '1',
      '2',
      '… 7 log lines dropped (a run keeps 3 entries, 65536 characters)',
    ])
  })

  test('concurrent runs are queued and all succeed', async () => {
    const runs = Array.from({ length: 5 }, (_, i) => sandbox.run(request(`$state.count = ${i}`)))
    const outs = await Promise.all(runs)
    expect(outs.map((o) => o.ok && o.value.state.count)).toEqual([0, 1, 2, 3, 4])
  })

  // Latency is measured by `npm run bench -- sandbox` (against isolated-vm), not asserted here.
  test('repeated warm runs take the path asked for and give the same result on both', async () => {
    for (const tier0 of [false, true]) {
      const answeredBefore = sandbox.tier0Stats.runs
      let state: JsonObject = { count: 0, items: [] }
      for (let i = 0; i < 50; i++) {
        const result = await runOk(sandbox, { ...request('$state.count += $args.step'), state, tier0 })
        state = result.state
      }
      expect(state).toEqual({ count: 50, items: [] })
      expect(sandbox.tier0Stats.runs - answeredBefore).toBe(tier0 ? 50 : 0)
    }
  })
})

/** Reference mulberry32, to pin the guest's PRNG to a known algorithm. */
function mulberry32(seed: number, count: number): number[] {
  let a = seed | 0
  return Array.from({ length: count }, () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  })
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

describe('handler errors carry NXML lines', () => {
  test('throw on line 3 of code starting at NXML line 10 → line 12', async () => {
    const code = "$log('start')\nconst x = 1\nthrow new Error('boom')"
    const failure = await runFail(sandbox, request(code, { line: 10 }))
    expect(failure).toMatchInlineSnapshot(`
      {
        "code": "HANDLER_ERROR",
        "kind": "HANDLER_ERROR",
        "line": 12,
        "logs": [
          {
            "level": "info",
            "message": "start",
          },
        ],
        "message": "boom",
      }
    `)
  })

  test('an error after an await, inside a nested function, reports the throwing line', async () => {
    const code = 'await null\nfunction check(v) {\n  if (v) throw new TypeError("bad " + v)\n}\ncheck(3)'
    const failure = await runFail(sandbox, request(code, { line: 20 }))
    expect([failure.code, failure.message, failure.line]).toEqual(['HANDLER_ERROR', 'TypeError: bad 3', 22])
  })

  test('a syntax error reports its line', async () => {
    const failure = await runFail(sandbox, request('const a = 1\nlet = = 2', { line: 5 }))
    expect(failure.code).toBe('HANDLER_ERROR')
    expect(failure.message).toMatch(/^SyntaxError/)
    expect(failure.line).toBe(6)
  })

  test('a thrown non-error value becomes the message; no ops are returned', async () => {
    const failure = await runFail(sandbox, request('$state.count = 5\nthrow { reason: "nope" }'))
    expect(failure.message).toBe('{"reason":"nope"}')
    expect(failure.line).toBeUndefined()
  })

  test('a rejection with undefined is a handler error', async () => {
    const failure = await runFail(sandbox, request('await Promise.reject()'))
    expect([failure.code, failure.message]).toEqual(['HANDLER_ERROR', 'handler threw undefined'])
  })

  test('after a handler error the next run works', async () => {
    await runFail(sandbox, request('throw new Error("x")'))
    expect((await runOk(sandbox, request('$state.count = 1'))).ops).toHaveLength(1)
  })
})

describe('capabilities', () => {
  test('a write without state:write:<key> → CAPABILITY_DENIED naming it, no ops', async () => {
    const req = request('$state.count += 1\n$state.total = 3', {
      state: { count: 0, total: 0 },
      capabilities: ['state:write:count'],
    })
    const failure = await runFail(sandbox, req)
    expect(failure).toMatchInlineSnapshot(`
      {
        "capability": "state:write:total",
        "code": "CAPABILITY_DENIED",
        "kind": "CAPABILITY_DENIED",
        "logs": [],
        "message": "handler wrote $state.total but the tool lacks capability "state:write:total"; declare it in the tool's <Capabilities>",
      }
    `)
  })

  test('a deep write needs the top-level key; state:write:* covers all', async () => {
    const caps = ['state:write:count', 'state:read:items']
    const denied = await runFail(sandbox, request('$state.items.push(1)', { capabilities: caps }))
    expect(denied.capability).toBe('state:write:items')
    const allowed = await runOk(sandbox, request('$state.items.push(1)', { capabilities: ['state:write:*'] }))
    expect(allowed.ops).toEqual([{ op: 'add', path: '/items/-', value: 1 }])
  })

  test('$emit needs events:emit:<name>, even when the guest catches the denial', async () => {
    const code = "try { $emit('saved', 1) } catch (e) { $log('caught', e.message) }\n$state.count = 1"
    const failure = await runFail(sandbox, request(code, { capabilities: ['state:write:*', 'events:emit:other'] }))
    expect([failure.code, failure.capability]).toEqual(['CAPABILITY_DENIED', 'events:emit:saved'])
    expect(failure.logs[0]?.message).toMatch(/^caught handler emitted event "saved" but the tool lacks/)
  })

  test('$log needs no capability', async () => {
    const result = await runOk(sandbox, request("$log('hi')", { capabilities: [] }))
    expect(result.logs).toEqual([{ level: 'info', message: 'hi' }])
  })
})

describe('refused output', () => {
  test('a __proto__ own key in state is refused; the host prototype is untouched', async () => {
    const code = '$state.x = JSON.parse(\'{"__proto__": {"polluted": true}}\')'
    const failure = await runFail(sandbox, request(code))
    expect(failure.code).toBe('HANDLER_ERROR')
    expect(failure.message).toMatch(/"__proto__"/)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('constructor / prototype keys are refused, in state and in event payloads', async () => {
    expect((await runFail(sandbox, request('$state.constructor = 1'))).message).toMatch(/"constructor"/)
    const failure = await runFail(sandbox, request("$emit('e', { prototype: 1 })"))
    expect(failure.message).toMatch(/"prototype"/)
  })

  test('$state replaced by a non-object through toJSON is refused', async () => {
    const failure = await runFail(sandbox, request('$state.toJSON = () => [1, 2]'))
    expect(failure.message).toBe('$state must remain a JSON object')
  })

  test('a circular $state is refused with a clear message', async () => {
    const failure = await runFail(sandbox, request('$state.self = $state'))
    expect(failure.message).toMatch(/^TypeError: \$state is not JSON-serialisable/)
  })
})

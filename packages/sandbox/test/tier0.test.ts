import { MAX_TIER0_CODE, parseTier0, type JsonObject } from '@nexus/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import type { HandlerRun, RunOutcome } from '../src/index.ts'
import { Tier0 } from '../src/tier0/Tier0.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { request } from './helpers.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

type Path = 'tier 0' | 'bailed to QuickJS' | 'QuickJS'

/** Runs `req` as usual and forced through QuickJS; both must agree. Returns the outcome and who answered. */
async function both(req: HandlerRun, on: Sandbox = sandbox): Promise<{ outcome: RunOutcome; path: Path }> {
  const before = on.tier0Stats
  const outcome = await on.run(req)
  const after = on.tier0Stats
  const quickjs = await on.run({ ...req, tier0: false })
  expect(withoutDuration(outcome)).toEqual(withoutDuration(quickjs))
  if (outcome.ok && quickjs.ok) expect(JSON.stringify(outcome.value.state)).toBe(JSON.stringify(quickjs.value.state))
  const path: Path = after.runs > before.runs ? 'tier 0' : after.bails > before.bails ? 'bailed to QuickJS' : 'QuickJS'
  return { outcome, path }
}

function withoutDuration(outcome: RunOutcome): unknown {
  if (!outcome.ok) return outcome
  const { durationMs: _duration, ...value } = outcome.value
  return value
}

function stateOf(outcome: RunOutcome): JsonObject {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value.state
}

describe('the tier-0 subset', () => {
  test.each([
    '$state.count += $args.step',
    '$state.count++',
    '--$state.count',
    '$state.a.b = 1',
    "$state['x y'] = 'z'",
    '$state.items[0] = $state.items[1]',
    '$state.n %= 7; $state.n *= 2; $state.n /= 3; $state.n -= 1',
    'return $state.count * 2 + 1',
    'if ($state.on) $state.on = false\nelse $state.on = true',
    'if ($args.x > 1) { $state.a = 1; return 2 } else if (!$args.x) return',
    '$state.label = $state.count === 1 ? "one" : "many"',
    '$state.v = $args.v ?? $computed.fallback ?? null',
    "$state.o = { a: 1, 'b c': [1, 2, { d: null }], 3: true, if: -0.5e3, }",
    '$state.a = 1\n$state.b = 2 // done',
    '/* note */ $state.a = -1;;',
    'return\n$state.a = 1',
    '',
    '$state.kind = typeof $args.x',
    '$state.hex = 0x1F + .5 + 5. + 1e3',
    "$state.s = 'it\\'s \\x41 \\u00e9\\\nnext'",
  ])('tier 0: %j', (code) => {
    expect(parseTier0(code)).toBeDefined()
  })

  test.each([
    'for (;;) {}',
    'while ($state.a < 3) $state.a++',
    '$state.items.push(1)',
    '$emit("saved", 1)',
    'Math.random()',
    '$state.constructor = 1',
    "$state['__proto__'].x = 1",
    '$state.a = { prototype: 1 }',
    "$state.a = $args['constructor']",
    '$state.s = /a/.source',
    '$state.s = `t`',
    '$state.a = $args[$args.k]',
    'const x = 1',
    '$state.a = 1 ?? 2 || 3',
    '$state.a = $state.b || $state.c ?? 1',
    '$state.a = $state.b\n($state.c)',
    '$state.a = $state.b\n`x`',
    '$state.a = 1 $state.b = 2',
    'if ($state.a) $state.b = 1 else $state.b = 2',
    '$state = {}',
    '$args.x = 1',
    'delete $state.a',
    '$state.a = 1, $state.b = 2',
    '$state.a = 1n',
    '$state.a = 010',
    '$state.a = 1_000',
    '$state.a = await $ext.x.y()',
    '$state.a **= 2',
    '$state.a = 2 ** 3',
    '$state.a <<= 1',
    '$state.a = this',
    '$state.a = new Date()',
    "$state.a = 'x'.length",
    '$state.a = $state.b++',
    '$state.a = 1 }',
    '}); evil(); (async function () {',
    '$st\\u0061te.a = 1',
    '$state.a = $state.b <!-- c',
    '$state.é = 1',
    '$state.a = [1,,2]',
    '$state.a = { b }',
    '$state.a\n++',
    "'use strict'; $state.a = 1",
    '$state.a = ' + '('.repeat(40) + '1' + ')'.repeat(40),
    '$state.a = 1;'.repeat(Math.ceil(MAX_TIER0_CODE / 13) + 1),
  ])('not tier 0: %j', (code) => {
    expect(parseTier0(code)).toBeUndefined()
  })
})

describe('tier-0 runs give the QuickJS result', () => {
  test('the counter', async () => {
    const { outcome, path } = await both(request('$state.count += $args.step', { state: { count: 41 } }))
    expect(path).toBe('tier 0')
    expect(withoutDuration(outcome)).toMatchInlineSnapshot(`
      {
        "events": [],
        "flushes": 0,
        "logs": [],
        "now": 1700000000000,
        "ops": [
          {
            "op": "replace",
            "path": "/count",
            "value": 42,
          },
        ],
        "returnValue": null,
        "seed": 42,
        "state": {
          "count": 42,
        },
        "view": [],
      }
    `)
  })

  test('seed and clock are reported like a QuickJS run, defaults included', async () => {
    const out = await sandbox.run({ code: '$state.n = 1', state: {}, args: {}, capabilities: ['state:write:*'] })
    if (!out.ok) throw new Error(out.error.message)
    expect(Number.isInteger(out.value.seed) && out.value.seed >= 0 && out.value.seed < 2 ** 32).toBe(true)
    expect(Math.abs(out.value.now - Date.now())).toBeLessThan(5_000)
    const given = await sandbox.run(request('$state.n = 1', { seed: -1, now: 5 }))
    expect(given.ok && [given.value.seed, given.value.now]).toEqual([2 ** 32 - 1, 5])
  })

  test('a write without state:write is CAPABILITY_DENIED naming the capability', async () => {
    const { outcome, path } = await both(
      request('$state.count = 1\n$state.secret = 2', { capabilities: ['state:write:count'] }),
    )
    expect(path).toBe('tier 0')
    expect(outcome.ok ? undefined : [outcome.error.code, outcome.error.capability]).toEqual([
      'CAPABILITY_DENIED',
      'state:write:secret',
    ])
  })

  test('unreadable keys read as undefined and survive in the result state', async () => {
    const req = request('$state.count = $state.secret === undefined ? 10 : 20', {
      state: { count: 1, secret: 's' },
      capabilities: ['state:write:count'],
    })
    const { outcome, path } = await both(req)
    expect(path).toBe('tier 0')
    expect(stateOf(outcome)).toEqual({ count: 10, secret: 's' })
  })

  test('maxOps and maxOutputBytes', async () => {
    const ops = await both(request('$state.a = 1; $state.b = 2; $state.c = 3', { limits: { maxOps: 2 } }))
    expect(ops.path).toBe('tier 0')
    expect(ops.outcome.ok ? undefined : ops.outcome.error.code).toBe('SANDBOX_OUTPUT_LIMIT')
    const bytes = await both(
      request('$state.s = $args.s + $args.s', { args: { s: 'x'.repeat(600) }, limits: { maxOutputBytes: 1000 } }),
    )
    expect(bytes.path).toBe('tier 0')
    expect(bytes.outcome.ok ? undefined : bytes.outcome.error.message).toMatchInlineSnapshot(
      `"$state is 1229 bytes of JSON, over limits.maxOutputBytes (1000); keep less in it"`,
    )
  })

  test('string growth within the budget stays in tier 0; past it QuickJS answers', async () => {
    const doubling = (times: number): string => '$state.s = $state.s + $state.s\n'.repeat(times)
    const small = await both(request(doubling(10), { state: { s: 'ab' } }))
    expect(small.path).toBe('tier 0')
    expect((stateOf(small.outcome).s as string).length).toBe(2048)
    // 2^20 characters: over the size budget (32 MiB / 64), so QuickJS decides (here: over maxOutputBytes).
    const large = await both(request(doubling(19), { state: { s: 'ab' } }))
    expect(large.path).toBe('bailed to QuickJS')
    expect(large.outcome.ok ? undefined : large.outcome.error.code).toBe('SANDBOX_OUTPUT_LIMIT')
    // 2^31 characters: QuickJS runs out of memory long before; tier 0 never builds it.
    const bomb = await both(request(doubling(30), { state: { s: 'ab' } }))
    expect(bomb.path).toBe('bailed to QuickJS')
    expect(bomb.outcome.ok ? undefined : bomb.outcome.error.code).toBe('SANDBOX_MEMORY')
  })

  test('an object operand bails out and QuickJS coerces it', async () => {
    const { outcome, path } = await both(request('$state.x = $state.items + 1', { state: { items: [2, 3] } }))
    expect(path).toBe('bailed to QuickJS')
    expect(stateOf(outcome).x).toBe('2,31')
  })

  test('a string parsed as a number bails out', async () => {
    const { outcome, path } = await both(request("$state.x = '0x10' * 1", { state: {} }))
    expect(path).toBe('bailed to QuickJS')
    expect(stateOf(outcome).x).toBe(16)
  })

  test('a runtime TypeError bails out and QuickJS reports it with its NXML line', async () => {
    const { outcome, path } = await both(request('$state.a = 1\n$state.missing.x = 2', { line: 10 }))
    expect(path).toBe('bailed to QuickJS')
    expect(outcome.ok ? undefined : [outcome.error.code, outcome.error.line]).toEqual(['HANDLER_ERROR', 11])
  })

  test('prototype properties bail out (reads and writes)', async () => {
    const read = await both(request('return typeof $state.toString'))
    expect([read.path, read.outcome.ok && read.outcome.value.returnValue]).toEqual(['bailed to QuickJS', 'function'])
    const write = await both(request('$state.items.length = 0', { state: { items: [1, 2] } }))
    expect([write.path, stateOf(write.outcome)]).toEqual(['bailed to QuickJS', { items: [] }])
  })

  test('sparse array writes bail out; appends do not', async () => {
    const append = await both(request('$state.items[2] = 3', { state: { items: [1, 2] } }))
    expect([append.path, stateOf(append.outcome)]).toEqual(['tier 0', { items: [1, 2, 3] }])
    const sparse = await both(request('$state.items[5] = 3', { state: { items: [1, 2] } }))
    expect([sparse.path, stateOf(sparse.outcome)]).toEqual([
      'bailed to QuickJS',
      { items: [1, 2, null, null, null, 3] },
    ])
  })

  test('a forbidden key already in the state goes to QuickJS, which refuses it', async () => {
    const { outcome, path } = await both(request('$state.count = 1', { state: { constructor: 1 } as JsonObject }))
    expect(path).toBe('bailed to QuickJS')
    expect(outcome.ok ? undefined : outcome.error.message).toMatchInlineSnapshot(
      `"$state has a key named "constructor", which is not allowed; rename it"`,
    )
  })

  test('NaN, Infinity, -0 and undefined take their JSON form', async () => {
    const code = '$state.n = 0 / 0; $state.z = -0; $state.u = undefined; $state.l = [undefined, 1 / 0]; return -1 / 0'
    const { outcome, path } = await both(request(code, { state: {} }))
    expect(path).toBe('tier 0')
    expect(outcome.ok && [outcome.value.state, outcome.value.returnValue]).toEqual([
      { n: null, z: 0, l: [null, null] },
      null,
    ])
  })

  test('inputs take their JSON form; values JSON would call into go to QuickJS', async () => {
    const state = { a: undefined, n: NaN, list: [undefined, Infinity, -0] } as unknown as JsonObject
    const plain = await both(request('return [$state.a, $state.n, $state.list]', { state }))
    expect(plain.path).toBe('tier 0')
    expect(plain.outcome.ok && plain.outcome.value.returnValue).toEqual([null, null, [null, null, 0]])
    // A function cannot be cloned to a worker: both routes reject the request alike.
    const withFunction = request('$state.count = 1', { state: { f: () => 1 } as unknown as JsonObject })
    await expect(sandbox.run(withFunction)).rejects.toThrow('could not be cloned')
    await expect(sandbox.run({ ...withFunction, tier0: false })).rejects.toThrow('could not be cloned')
    const dated = { when: new Date(0) } as unknown as JsonObject
    const date = await both(request('$state.count = 1', { args: dated }))
    expect(date.path).toBe('bailed to QuickJS')
    class Point {
      x = 1
    }
    const instance = await both(request('$state.x = $args.p.x', { args: { p: new Point() } as unknown as JsonObject }))
    expect([instance.path, instance.outcome.ok && instance.outcome.value.state.x]).toEqual(['bailed to QuickJS', 1])
  })

  test('keys that need JSON Pointer escapes are checked against their capability', async () => {
    const code = "$state['a/b~c'] = 1"
    const allowed = await both(request(code, { state: {}, capabilities: ['state:write:a/b~c'] }))
    expect([allowed.path, allowed.outcome.ok && allowed.outcome.value.ops]).toEqual([
      'tier 0',
      [{ op: 'add', path: '/a~1b~0c', value: 1 }],
    ])
    const denied = await both(request(code, { state: {}, capabilities: ['state:write:a'] }))
    expect(denied.outcome.ok ? undefined : denied.outcome.error.capability).toBe('state:write:a/b~c')
  })

  test('shared objects behave like JS references but the result does not share them', async () => {
    const { outcome, path } = await both(request('$state.a = $state.b\n$state.a.x = 1', { state: { b: {} } }))
    expect(path).toBe('tier 0')
    const state = stateOf(outcome)
    expect(state).toEqual({ a: { x: 1 }, b: { x: 1 } })
    expect(state.a).not.toBe(state.b)
  })

  test('$args is frozen as in the guest: a write through it bails out and QuickJS ignores it', async () => {
    const req = request('$state.a = $args.o\n$state.a.x = 1', { state: {}, args: { o: { y: 1 } } })
    const { outcome, path } = await both(req)
    expect([path, stateOf(outcome)]).toEqual(['bailed to QuickJS', { a: { y: 1 } }])
  })

  test('cycles and exponential sharing bail out before serialising', async () => {
    const cycle = await both(request('$state.a = {}\n$state.a.self = $state.a', { state: {} }))
    expect(cycle.path).toBe('bailed to QuickJS')
    expect(cycle.outcome.ok ? undefined : cycle.outcome.error.code).toBe('HANDLER_ERROR')
    const dag = '$state.b = [$state.a, $state.a]\n$state.a = [$state.b, $state.b]\n'.repeat(12)
    const shared = await both(request(dag, { state: { a: 'xxxxxxxx' } }))
    expect(shared.path).toBe('bailed to QuickJS')
    expect(shared.outcome.ok).toBe(false)
  })

  test('the caller state is neither mutated nor shared', async () => {
    const req = request('$state.a.b = 2', { state: { a: { b: 1 }, c: { d: 1 } } })
    const { outcome, path } = await both(req)
    expect(path).toBe('tier 0')
    expect(req.state).toEqual({ a: { b: 1 }, c: { d: 1 } })
    expect(stateOf(outcome).c).not.toBe(req.state.c)
  })

  test('deep inputs and small stack limits go to QuickJS', async () => {
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = [deep]
    const deepRun = await both(request('$state.count = 1', { state: { count: 0, deep } as JsonObject }))
    expect(deepRun.path).toBe('bailed to QuickJS')
    const small = await both(request('$state.count = 1', { limits: { stackBytes: 32 * 1024 } }))
    expect(small.path).toBe('QuickJS')
  })

  test('a tier-0 surprise is counted apart from bails, and QuickJS still answers the run', async () => {
    // A state getter that throws on its first read only: tier 0's copy of the state meets the throw (not a
    // BAIL: nothing tier 0 declines on purpose), the run goes to QuickJS, which reads the value.
    let reads = 0
    const state = {
      get count(): number {
        if (reads++ === 0) throw new Error('first read fails')
        return 4
      },
    } as unknown as JsonObject
    const before = sandbox.tier0Stats
    const out = await sandbox.run(request('$state.count += $args.step', { state }))
    const after = sandbox.tier0Stats
    expect(out.ok && out.value.state).toEqual({ count: 5 })
    expect(after.surprises - before.surprises).toBe(1)
    expect(after.bails).toBe(before.bails)
    expect(after.runs).toBe(before.runs)
    const tier0 = new Tier0()
    reads = 0
    expect(tier0.run(request('$state.count = 1', { state }), DEFAULT_LIMITS, 1, 0)).toBeUndefined()
    expect([tier0.runs, tier0.bails, tier0.surprises]).toEqual([0, 0, 1])
    expect((tier0.lastSurprise as Error).message).toBe('first read fails')
    // A deliberate bail (an object operand) is a bail, not a surprise.
    expect(tier0.run(request('$state.count = $args.o + 1', { args: { o: {} } }), DEFAULT_LIMITS, 1, 0)).toBeUndefined()
    expect([tier0.runs, tier0.bails, tier0.surprises]).toEqual([0, 1, 1])
  })

  test('tier 0 can be turned off per sandbox and per run', async () => {
    const off = await Sandbox.create({ tier0: false, workers: 1 })
    try {
      const out = await off.run(request('$state.count += $args.step'))
      expect(out.ok && out.value.state).toEqual({ count: 1, items: [] })
      expect(off.tier0Stats).toEqual({ runs: 0, bails: 0, surprises: 0 })
    } finally {
      await off.dispose()
    }
    const before = sandbox.tier0Stats
    await sandbox.run({ ...request('$state.count += $args.step'), tier0: false })
    expect(sandbox.tier0Stats).toEqual(before)
  })
})

describe('the parse cache', () => {
  test('keeps programs and "not tier 0" answers by code text, least recently used first out', () => {
    const tier0 = new Tier0()
    const first = tier0.program('$state.a = 1')
    expect(first).toBeDefined()
    expect(tier0.program('$state.a = 1')).toBe(first)
    expect(tier0.program('for (;;) {}')).toBeUndefined()
    for (let i = 0; i < 254; i++) tier0.program(`$state.a = ${i + 2}`) // 256 entries: full
    expect(tier0.program('$state.a = 1')).toBe(first) // refreshed: now the most recent
    for (let i = 0; i < 255; i++) tier0.program(`$state.b = ${i}`) // evicts the 255 older entries
    expect(tier0.program('$state.a = 1')).toBe(first)
    for (let i = 0; i < 256; i++) tier0.program(`$state.c = ${i}`)
    const again = tier0.program('$state.a = 1')
    expect(again).toEqual(first)
    expect(again).not.toBe(first)
  })
})

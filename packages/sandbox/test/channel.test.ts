import type { JsonObject, PatchOp } from '@nexus/protocol'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import { DATA_BYTES, Spinner } from '../src/pool/sharedChannel.ts'
import { request, runOk } from './helpers.ts'

// The pool ↔ worker channel (src/pool/sharedChannel.ts): small runs as text in shared memory, large ones and
// states whose JSON form differs by postMessage, and an answer taken only after what was posted before it.
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create({ workers: 1 })
})
afterAll(() => sandbox.dispose())

test('a state larger than the shared data area goes by postMessage both ways, unchanged', async () => {
  const big = 'x'.repeat(DATA_BYTES)
  const state = { big, list: [1, 2, 3], count: 0 } as JsonObject
  const result = await runOk(sandbox, request('$state.count = $state.big.length\n$state.list.push(4)', { state }))
  expect(result.state).toEqual({ big, list: [1, 2, 3, 4], count: DATA_BYTES })
  expect(result.ops).toEqual([
    { op: 'add', path: '/list/-', value: 4 },
    { op: 'replace', path: '/count', value: DATA_BYTES },
  ])
  // The next small run takes the shared-memory route again on the same worker.
  const next = await runOk(sandbox, request('$state.count += $args.step'))
  expect(next.ops).toEqual([{ op: 'replace', path: '/count', value: 1 }])
})

test('an answer larger than the data area (built in the guest) comes back by postMessage', async () => {
  const result = await runOk(sandbox, request(`$state.s = 'y'.repeat(${DATA_BYTES + 10})`))
  expect((result.state as { s: string }).s).toHaveLength(DATA_BYTES + 10)
})

test('text survives the UTF-8 round trip: astral characters, escapes and lone surrogates', async () => {
  const text = 'é😀\u2028"\\\n\ud800'
  const result = await runOk(
    sandbox,
    request('$state.t = $args.t + $state.t; return $args.t', { state: { t: text }, args: { t: text } }),
  )
  expect(result.state).toEqual({ t: text + text })
  expect(result.returnValue).toBe(text)
})

test('now keeps its sign: -0 reaches the guest and comes back as given', async () => {
  const result = await runOk(sandbox, request('return Object.is(Date.now(), -0)', { now: -0 }))
  expect(result.returnValue).toBe(true)
  expect(Object.is(result.now, -0)).toBe(true)
})

test('every flush and log the worker posted is delivered before the run resolves', async () => {
  for (let i = 0; i < 40; i++) {
    const flushes: PatchOp[][] = []
    const host = { ext: async () => i, onFlush: (ops: PatchOp[]) => flushes.push(ops) }
    const code = `$state.count = ${i}\nconst v = await $ext.svc.get()\nfor (let j = 0; j < 30; j++) $log(j)\n$state.items = [v]`
    const result = await runOk(sandbox, request(code, { host, capabilities: ['state:write:*', 'ext:svc'] }))
    expect(flushes).toEqual(i === 0 ? [] : [[{ op: 'replace', path: '/count', value: i }]])
    expect(result.logs).toHaveLength(30)
    expect(result.state).toEqual({ count: i, items: [i] })
  }
})

test('back-to-back runs on two workers each get their own answer', async () => {
  const pool = await Sandbox.create({ workers: 2 })
  try {
    const runs = Array.from({ length: 200 }, (_, i) =>
      pool.run(request('$state.count = $args.step * 2; return $args.step', { args: { step: i }, tier0: false })),
    )
    const outcomes = await Promise.all(runs)
    outcomes.forEach((outcome, i) => {
      expect(outcome.ok && [outcome.value.returnValue, outcome.value.state.count]).toEqual([i, i * 2])
    })
  } finally {
    await pool.dispose()
  }
})

test('runs posted as objects (a state whose JSON form differs) back to back each reach the worker', async () => {
  // The post precedes its announcement: a worker that drains its port while idle must keep the run it finds.
  for (let i = 0; i < 300; i++) {
    const result = await runOk(sandbox, request('$state.count += 1', { state: { count: i, z: -0 }, tier0: false }))
    expect(result.state.count).toBe(i + 1)
  }
})

test('the Spinner polls while spinning pays, and backs off after misses in a row', () => {
  const control = new Int32Array(new SharedArrayBuffer(8))
  const spinner = new Spinner()
  // A word that already changed: at once.
  expect(spinner.spin(control, 0, 1, 0.05)).toBe(true)
  // Nobody changes it: a miss; one miss alone still spins the next time (it polls and sees the change).
  expect(spinner.spin(control, 0, 0, 0.05)).toBe(false)
  expect(spinner.spin(control, 0, 1, 0.05)).toBe(true)
  // Two misses in a row: the next 32 waits do not spin (false without looking, even though the word differs).
  expect(spinner.spin(control, 0, 0, 0.05)).toBe(false)
  expect(spinner.spin(control, 0, 0, 0.05)).toBe(false)
  for (let i = 0; i < 32; i++) expect(spinner.spin(control, 0, 1, 0.05)).toBe(false)
  // Then it tries again, and one success starts over.
  expect(spinner.spin(control, 0, 1, 0.05)).toBe(true)
  expect(spinner.spin(control, 0, 0, 0.05)).toBe(false)
  expect(spinner.spin(control, 0, 1, 0.05)).toBe(true)
})

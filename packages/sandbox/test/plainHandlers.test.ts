import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import type { HandlerRun, RunOutcome } from '../src/index.ts'
import { handlerSource } from '../src/guestPrelude.ts'
import { request } from './helpers.ts'

// A body that never names `await` or `arguments` is compiled as a plain function and finished without a
// promise job when none is pending (guestPrelude.ts `start`/`finish`/`defer`). The same body with a trailing
// `// await` comment is compiled as the async function it used to be: both must give the same outcome.
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

const BODIES = [
  '$state.count += 1; return $state.count',
  "$state.count = 5\nthrow new Error('boom')",
  'return { then(resolve) { resolve(5) } }',
  "return { get then() { $log('then read'); return undefined }, v: 1 }",
  "return { get then() { throw new Error('no then') } }",
  'Promise.resolve().then(() => { $state.count = 7 }); return $state.count',
  "const order = []; Promise.resolve().then(() => order.push('job')); $state.order = order\nreturn { then(r) { order.push('then'); r(order.length) } }",
  "Promise.resolve().then(() => $emit('job', 1)); throw new Error('after the job')",
  'return Promise.resolve(3)',
  "return Promise.reject(new Error('rejected'))",
  "$state.count = 1; Promise.reject(new Error('unhandled')); return 2",
  "async function* g() { yield 1; $state.count = 9 }\ng().next().then(() => $log('gen')); return 1",
  "return $panel.call('other', 'tool', {})",
  "$emit('e', 1); return new Promise((r) => r(2))",
  'const x = { toJSON() { $state.count++; return 1 } }; $state.x = x\nPromise.resolve().then(() => { $state.y = 2 })',
  'let n = 0; for (const k of [1, 2, 3]) n += k; $state.count = n; return null',
  '$state.count = 1n',
]

function withoutDuration(outcome: RunOutcome): unknown {
  if (!outcome.ok) return outcome
  const { durationMs: _duration, ...value } = outcome.value
  return value
}

function run(code: string): Promise<RunOutcome> {
  const req: HandlerRun = request(code, {
    capabilities: ['state:write:*', 'events:emit:*', 'panel:call:*'],
    host: { panelCall: async () => 7 },
    tier0: false,
  })
  return sandbox.run(req)
}

test('the forms are told apart by the text alone', () => {
  expect(handlerSource('$state.count++').startsWith('function (')).toBe(true)
  expect(handlerSource('await null').startsWith('async function (')).toBe(true)
  expect(handlerSource('return arguments.length').startsWith('async function (')).toBe(true)
})

for (const body of BODIES) {
  test(`plain and async forms agree: ${body.replace(/\n/g, ' ⏎ ')}`, async () => {
    const plain = await run(body)
    const asyncForm = await run(`${body}\n// await`)
    expect(withoutDuration(plain)).toEqual(withoutDuration(asyncForm))
  })
}

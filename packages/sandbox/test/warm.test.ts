import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

// Contexts are reused across clean runs (WarmContext.ts); from the guest's side every run must still look
// like a fresh realm. One worker, so every run here lands on the same context.
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create({ workers: 1 })
})
afterAll(() => sandbox.dispose())

const PROBE = [
  'return [typeof leak, typeof sloppy, typeof viaEval, typeof lexical, typeof viaFunction, ({}).polluted,',
  '  [].polluted, typeof Array.prototype.push, Math.random(), Date.now(), JSON.stringify({ a: 1 }),',
  '  Object.getPrototypeOf(globalThis) === Object.prototype, Object.isExtensible(globalThis)]',
].join('\n')

test('a handler never sees globals, prototypes or eval bindings left by an earlier run', async () => {
  const fresh = await runOk(sandbox, request(PROBE))
  const attempts = [
    'globalThis.leak = 1',
    'sloppy = 1',
    "(0, eval)('var viaEval = 1; let lexical = 2')",
    "Function('globalThis.viaFunction = 1')()",
    'Object.prototype.polluted = 1; Array.prototype.polluted = 2',
    'Array.prototype.push = null; Math.random = () => 0; Date.now = () => 1; JSON.stringify = () => "x"',
    'Object.setPrototypeOf(globalThis, null)',
    'Object.preventExtensions(globalThis)',
    "try { Object.defineProperty(globalThis, 'leak', { value: 1 }) } catch {}",
  ]
  for (const code of attempts) {
    await sandbox.run(request(code))
    const after = await runOk(sandbox, request(PROBE))
    expect(after.returnValue, code).toEqual(fresh.returnValue)
  }
  expect(fresh.returnValue).toMatchInlineSnapshot(`
    [
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      null,
      null,
      "function",
      0.6011037519201636,
      1700000000000,
      "{"a":1}",
      true,
      true,
    ]
  `)
})

test('the same code twice: state kept on the cached handler function does not survive', async () => {
  const code = 'const f = arguments.callee\nconst seen = f.memo\nf.memo = $args.step\nreturn seen ?? null'
  const first = await runOk(sandbox, request(code, { args: { step: 1 } }))
  const second = await runOk(sandbox, request(code, { args: { step: 2 } }))
  expect([first.returnValue, second.returnValue]).toEqual([null, null])
})

test('Math.random restarts from the run seed and Date.now is the run clock on a reused context', async () => {
  const code = 'return [Math.random(), Math.random(), Date.now(), new Date().getTime()]'
  const a = await runOk(sandbox, request(code, { seed: 7, now: 5 }))
  await runOk(sandbox, request('Math.random(); Math.random()', { seed: 9 }))
  const b = await runOk(sandbox, request(code, { seed: 7, now: 5 }))
  expect(b.returnValue).toEqual(a.returnValue)
  expect((a.returnValue as number[]).slice(2)).toEqual([5, 5])
})

test('frozen intrinsics keep the override pattern working', async () => {
  const code = [
    'const o = {}; o.toString = () => "mine"',
    'class E extends Error { constructor() { super(); this.name = "E"; this.message = "m" } }',
    'function P() {}; P.prototype.valueOf = () => 3',
    'return [String(o), new E().name, new E().message, new P() + 1, Object.isFrozen(Array.prototype)]',
  ].join('\n')
  const result = await runOk(sandbox, request(code))
  expect(result.returnValue).toEqual(['mine', 'E', 'm', 4, true])
})

test('a body that closes its wrapper and opens its own function is refused and leaves nothing behind', async () => {
  const failure = await runFail(sandbox, request('}); let escaped = 1; globalThis.esc = 1; (async function () {'))
  expect(failure.code).toBe('HANDLER_ERROR')
  expect(failure.message).toMatch(/closes its function wrapper/)
  const after = await runOk(sandbox, request('return [typeof escaped, typeof esc]'))
  expect(after.returnValue).toEqual(['undefined', 'undefined'])
})

test('a plain syntax error still reports its NXML line', async () => {
  const failure = await runFail(sandbox, request('const a = 1\nconst = 2', { line: 10 }))
  expect(failure.code).toBe('HANDLER_ERROR')
  expect(failure.line).toBe(11)
})

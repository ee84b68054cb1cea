import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

test('the Function constructor reaches only the guest global, which holds nothing of the host', async () => {
  const code = [
    "const g = $state.constructor.constructor('return globalThis')()",
    "return ['process', 'require', 'module', 'Buffer', 'fetch', 'setTimeout', 'console', 'std', 'os', 'WebAssembly']",
    '  .map((name) => name + ":" + typeof g[name])',
  ].join('\n')
  const result = await runOk(sandbox, request(code))
  expect(result.returnValue).toMatchInlineSnapshot(`
    [
      "process:undefined",
      "require:undefined",
      "module:undefined",
      "Buffer:undefined",
      "fetch:undefined",
      "setTimeout:undefined",
      "console:undefined",
      "std:undefined",
      "os:undefined",
      "WebAssembly:undefined",
    ]
  `)
})

test('the guest global holds only language built-ins (no host functions leak as globals)', async () => {
  const result = await runOk(
    sandbox,
    request('return Object.getOwnPropertyNames(globalThis).filter((n) => /^[a-z$]/.test(n)).sort()'),
  )
  expect(result.returnValue).toMatchInlineSnapshot(`
    [
      "decodeURI",
      "decodeURIComponent",
      "encodeURI",
      "encodeURIComponent",
      "escape",
      "eval",
      "globalThis",
      "isFinite",
      "isNaN",
      "parseFloat",
      "parseInt",
      "undefined",
      "unescape",
    ]
  `)
})

test('dynamic import cannot load anything', async () => {
  const failure = await runFail(sandbox, request("await import('fs')"))
  expect(failure.code).toBe('HANDLER_ERROR')
})

test('host functions are not reachable: not globals, not via .caller', async () => {
  const code = [
    'let caller = "none"',
    'try { caller = typeof $emit.caller } catch (e) { caller = e.name }',
    'return [typeof hostEmit, typeof hostLog, caller, Object.isFrozen($log), Object.isFrozen($emit)]',
  ].join('\n')
  const result = await runOk(sandbox, request(code))
  expect(result.returnValue).toEqual(['undefined', 'undefined', 'TypeError', true, true])
})

test('tampering with built-ins the prelude captured does not change the output', async () => {
  const code = 'JSON.stringify = () => \'{"__proto__":1}\'\nPromise.prototype.then = null\n$state.count = 2'
  const result = await runOk(sandbox, request(code))
  expect(result.ops).toEqual([{ op: 'replace', path: '/count', value: 2 }])
})

test('state from one run never leaks into the next', async () => {
  await runOk(sandbox, request('globalThis.leak = 1; Object.prototype.polluted = 1'))
  const result = await runOk(sandbox, request('return [typeof globalThis.leak, typeof ({}).polluted]'))
  expect(result.returnValue).toEqual(['undefined', 'undefined'])
})

test('a handler that escapes its wrapper stays inside the VM', async () => {
  const failure = await runFail(sandbox, request('}); (function () {'))
  expect(failure.code).toBe('HANDLER_ERROR')
})

test('WeakRef and FinalizationRegistry (GC-timed, non-deterministic) are removed', async () => {
  const result = await runOk(sandbox, request('return [typeof WeakRef, typeof FinalizationRegistry]'))
  expect(result.returnValue).toEqual(['undefined', 'undefined'])
})

import { afterAll, beforeAll, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import type { HandlerRun } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'
import { ECHO, GROW, LOOP, wasiModule, writes } from './wasi/assemble.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

const wasi = (module: Uint8Array, overrides: Partial<HandlerRun> = {}): HandlerRun =>
  request('', { wasi: { module }, ...overrides })

test('stdin to stdout: the state comes back unchanged, no ops', async () => {
  const result = await runOk(sandbox, wasi(ECHO, { state: { count: 3, items: [1] } }))
  expect(result.ops).toEqual([])
  expect(result.state).toEqual({ count: 3, items: [1] })
})

test('a new state on stdout becomes ops; a second line is the return value; stderr is logged', async () => {
  const result = await runOk(sandbox, wasi(writes('{"count":5,"items":[]}\n{"done":true}\n')))
  expect(result.ops).toEqual([{ op: 'replace', path: '/count', value: 5 }])
  expect(result.returnValue).toEqual({ done: true })
  const stderr = await runFail(sandbox, wasi(writes('hello from wasm\n', 2)))
  expect(stderr.logs).toEqual([{ level: 'info', message: 'hello from wasm' }])
})

test('ops are checked against capabilities like any handler', async () => {
  const failure = await runFail(
    sandbox,
    wasi(writes('{"count":0,"secret":1}'), { state: { count: 0 }, capabilities: ['state:write:count'] }),
  )
  expect(failure.code).toBe('CAPABILITY_DENIED')
  expect(failure.capability).toBe('state:write:secret')
})

test('keys without a read capability never reach stdin and survive', async () => {
  const result = await runOk(
    sandbox,
    wasi(ECHO, { state: { count: 1, hidden: 'x' }, capabilities: ['state:write:count'] }),
  )
  expect(result.ops).toEqual([])
  expect(result.state).toEqual({ count: 1, hidden: 'x' })
})

test('invalid JSON or nothing on stdout → HANDLER_ERROR', async () => {
  for (const module of [writes('{nope'), wasiModule([])]) {
    const failure = await runFail(sandbox, wasi(module))
    expect(failure.code).toBe('HANDLER_ERROR')
    expect(failure.message).toMatch(/could not be read as JSON/)
  }
})

test('an endless loop is stopped by the watchdog → SANDBOX_TIMEOUT, and the pool keeps working', async () => {
  const failure = await runFail(sandbox, wasi(LOOP, { limits: { timeoutMs: 100 } }))
  expect(failure.code).toBe('SANDBOX_TIMEOUT')
  expect((await runOk(sandbox, request('$state.count += 1'))).ops).toHaveLength(1)
})

test('growing memory past limits.memoryBytes → SANDBOX_MEMORY', async () => {
  const failure = await runFail(sandbox, wasi(GROW, { limits: { memoryBytes: 4 * 1024 * 1024 } }))
  expect(failure.code).toBe('SANDBOX_MEMORY')
})

test('not a module, or a module that does not import env.memory → HANDLER_ERROR', async () => {
  const garbage = await runFail(sandbox, wasi(new Uint8Array([1, 2, 3])))
  expect(garbage.message).toMatch(/not a valid WebAssembly module/)
  // The smallest valid module: no imports at all.
  const empty = await runFail(sandbox, wasi(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])))
  expect(empty.message).toMatch(/must import its memory as env.memory/)
})

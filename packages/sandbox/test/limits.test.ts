import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Sandbox } from '../src/index.ts'
import { request, runFail, runOk } from './helpers.ts'

// Timings are reported, not asserted tightly: these machines are noisy. Upper bounds are generous.
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await Sandbox.create()
})
afterAll(() => sandbox.dispose())

async function expectNextRunWorks(): Promise<void> {
  const result = await runOk(sandbox, request('$state.count += $args.step'))
  expect(result.ops).toEqual([{ op: 'replace', path: '/count', value: 1 }])
}

describe('deadline', () => {
  test('while(true){} ends with SANDBOX_TIMEOUT near the deadline; state unchanged; next run works', async () => {
    const req = request('$state.count = 99\nwhile (true) {}', { limits: { timeoutMs: 300 } })
    const started = performance.now()
    const failure = await runFail(sandbox, req)
    const elapsed = performance.now() - started
    console.log(`timeout (300 ms deadline) stopped after ${elapsed.toFixed(0)} ms`)
    expect(failure.code).toBe('SANDBOX_TIMEOUT')
    expect(failure.kind).toBe('TIMEOUT')
    expect(req.state).toEqual({ count: 0, items: [] })
    await expectNextRunWorks()
  })

  test('the default deadline (1000 ms) applies; the guest cannot catch the interrupt', async () => {
    const started = performance.now()
    const failure = await runFail(sandbox, request('try { while (true) {} } catch (e) { return "escaped" }'))
    const elapsed = performance.now() - started
    console.log(`timeout (1000 ms deadline) stopped after ${elapsed.toFixed(0)} ms`)
    expect(failure.code).toBe('SANDBOX_TIMEOUT')
    expect(elapsed).toBeGreaterThanOrEqual(900) // never early; how late is the bench's business, not a test's
    await expectNextRunWorks()
  })

  test('an endless async loop ends with SANDBOX_TIMEOUT', async () => {
    const failure = await runFail(sandbox, request('while (true) await null', { limits: { timeoutMs: 200 } }))
    expect(failure.code).toBe('SANDBOX_TIMEOUT')
    await expectNextRunWorks()
  })

  // "Not a hang" is bounded by the test's own timeout; how fast it ends is measured in the bench.
  test('a never-resolving await ends with SANDBOX_TIMEOUT at once, not a hang', async () => {
    const failure = await runFail(sandbox, request("$log('waiting')\nawait new Promise(() => {})"))
    expect(failure.code).toBe('SANDBOX_TIMEOUT')
    expect(failure.message).toMatch(/can never settle/)
    expect(failure.logs).toEqual([{ level: 'info', message: 'waiting' }])
    await expectNextRunWorks()
  })
})

describe('memory', () => {
  const bombs = {
    array: 'let a = []; while (true) a.push(new Array(1e6).fill(1))',
    'string doubling': 'let s = "x"; while (true) s = s + s',
    'string pile': 'let s = "x".repeat(1e7); let a = []; while (true) a.push(s + a.length)',
    'array buffer': 'let a = []; while (true) a.push(new ArrayBuffer(8e6))',
    object: 'let a = []; for (let i = 0; ; i++) a.push({ i, s: "v" + i, t: [i] })',
  }
  for (const [name, code] of Object.entries(bombs)) {
    test(`${name} bomb → SANDBOX_MEMORY; next run works`, async () => {
      const started = performance.now()
      const failure = await runFail(sandbox, request(code, { limits: { timeoutMs: 30_000 } }))
      console.log(`${name} bomb stopped after ${(performance.now() - started).toFixed(0)} ms`)
      expect(failure.code).toBe('SANDBOX_MEMORY')
      expect(failure.kind).toBe('MEMORY')
      await expectNextRunWorks()
    })
  }

  test('memoryBytes bounds what a run holds in all, not only each allocation', async () => {
    // 24 MB in 1 MB pieces: each piece passes QuickJS's own per-allocation check; the total does not fit
    // in 20 MiB of engine memory, and fits in 48 MiB.
    const code = 'const a = []\nfor (let i = 0; i < 24; i++) a.push(new Uint8Array(1e6))\nreturn a.length'
    const mib = 1024 * 1024
    const failure = await runFail(sandbox, request(code, { limits: { memoryBytes: 20 * mib, timeoutMs: 30_000 } }))
    expect(failure.code).toBe('SANDBOX_MEMORY')
    const result = await runOk(sandbox, request(code, { limits: { memoryBytes: 48 * mib, timeoutMs: 30_000 } }))
    expect(result.returnValue).toBe(24)
    await expectNextRunWorks()
  })

  test('a caught out-of-memory error does not break the run', async () => {
    const code =
      'let a = []; try { while (true) a.push(new Array(1e6).fill(1)) } catch (e) { a = null; return String(e) }'
    const result = await runOk(sandbox, request(code, { limits: { timeoutMs: 30_000 } }))
    expect(result.returnValue).toBe('InternalError: out of memory')
  })

  test('process RSS stays bounded over repeated bombs', async () => {
    const before = process.memoryUsage().rss
    for (let i = 0; i < 8; i++) {
      const code =
        i % 2
          ? 'let a = []; while (true) a.push(new Array(1e6).fill(1))'
          : 'let s = "x".repeat(1e7); let a = []; while (true) a.push(s + a.length)'
      const f = await runFail(sandbox, request(code, { limits: { timeoutMs: 30_000 } }))
      expect(f.code + ': ' + f.message).toMatch(/^SANDBOX_MEMORY/)
    }
    const growth = (process.memoryUsage().rss - before) / 1e6
    console.log(`RSS growth over 8 bombs: ${growth.toFixed(0)} MB`)
    expect(growth).toBeLessThan(300)
    await expectNextRunWorks()
  })
})

describe('stack', () => {
  test('unbounded recursion → SANDBOX_STACK; next run works', async () => {
    const failure = await runFail(sandbox, request('function f() { f() }\nf()'))
    expect(failure.code).toBe('SANDBOX_STACK')
    expect(failure.kind).toBe('STACK')
    await expectNextRunWorks()
  })

  test('recursion through a host function → SANDBOX_STACK', async () => {
    const failure = await runFail(
      sandbox,
      request('function f(n) { $log(n); f(n + 1) }\nf(0)', { limits: { maxLogs: 5 } }),
    )
    expect(failure.code).toBe('SANDBOX_STACK')
    expect(failure.logs).toHaveLength(6)
    await expectNextRunWorks()
  })

  test('deeply nested JSON overflows the host stack inside WASM → SANDBOX_STACK; the engine is replaced', async () => {
    // A deadline the run cannot reach first even on a loaded machine, so the classification is exact.
    const code = 'let a = []; for (let i = 0; i < 1e5; i++) a = [a]; $state.x = a'
    const failure = await runFail(sandbox, request(code, { limits: { timeoutMs: 30_000 } }))
    expect(failure.code).toBe('SANDBOX_STACK')
    await expectNextRunWorks()
  })

  test('stackBytes above the safe maximum is refused', async () => {
    await expect(Sandbox.create({ limits: { stackBytes: 512 * 1024 } })).rejects.toThrow(/stackBytes/)
  })
})

describe('output limits', () => {
  test('state larger than maxOutputBytes → SANDBOX_OUTPUT_LIMIT, no ops', async () => {
    const failure = await runFail(
      sandbox,
      request('$state.big = "x".repeat(2000)', { limits: { maxOutputBytes: 1000 } }),
    )
    expect(failure.code).toBe('SANDBOX_OUTPUT_LIMIT')
    expect(failure.kind).toBe('OUTPUT_LIMIT')
  })

  test('more ops than maxOps → SANDBOX_OUTPUT_LIMIT', async () => {
    const failure = await runFail(
      sandbox,
      request('for (let i = 0; i < 20; i++) $state["k" + i] = i', { limits: { maxOps: 10 } }),
    )
    expect(failure.code).toBe('SANDBOX_OUTPUT_LIMIT')
    expect(failure.message).toMatch(/20 state operations/)
  })

  test('state nested deeper than the host accepts → HANDLER_ERROR', async () => {
    const failure = await runFail(sandbox, request('let a = 1; for (let i = 0; i < 300; i++) a = [a]; $state.x = a'))
    expect(failure.code).toBe('HANDLER_ERROR')
    expect(failure.message).toMatch(/nests deeper than 256/)
  })
})

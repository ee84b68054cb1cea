// The sandbox against isolated-vm (and node:vm for reference) on the same handler:
// - warm handler call, the counter's increment (state in as JSON, new state out, ops diffed), two ways in the
//   same run: tier 0 (the handler is in the tier-0 subset, so a host-side interpreter answers it on the calling
//   thread, src/tier0/) and the QuickJS path with tier 0 turned off (through the worker pool and its
//   shared-memory channel, a reused locked-down QuickJS context and cached compiled handler); isolated-vm: a
//   reused isolate + context and a compiled function; and, as the QuickJS path's own floor, a raw in-thread
//   quickjs-emscripten `evalCode` of the same handler text (state JSON in through a global string, JSON out),
//   and the channel's floor, a bare SharedArrayBuffer round trip to a worker that does nothing;
// - cold start: a fresh QuickJS runtime + context vs a fresh isolated-vm Isolate + Context;
// - memory-bomb containment: from start to the typed error for an array-of-arrays bomb, both under the same
//   32 MiB limit (our `memoryBytes` default; isolated-vm's `memoryLimit`).
import { createRequire } from 'node:module'
import vm from 'node:vm'
import { Worker } from 'node:worker_threads'
import { Sandbox } from '@nexus/sandbox'
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten'
import type { QuickJSWASMModule } from 'quickjs-emscripten'
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync'
import { compared, machine, median, percentile, save } from './lib.ts'

const require = createRequire(import.meta.url)
const ivm = require('isolated-vm') as typeof import('isolated-vm')
const IVM = `isolated-vm ${(require('isolated-vm/package.json') as { version: string }).version}`

const CODE = '$state.count += $args.step'
const BOMB = 'const a = []\nfor (;;) a.push(new Array(1e5).fill(1))'
/** The memory limit both bombs run under, in MiB: the sandbox's default `memoryBytes`. */
const BOMB_LIMIT_MB = 32
const ROUNDS = 5
const CALLS = 400
/**
 * Unmeasured calls before each measured block of the two in-process paths (tier 0 and isolated-vm, treated
 * alike): the other phases of a round (QuickJS runs, cold starts, a memory bomb) disturb V8's optimised code
 * for tier 0 (measured: block medians from 0.9 to 2.6 µs without this), so both are measured JIT-warm.
 */
const WARMUP = 2_000
/**
 * The same for the two QuickJS rows (ours through the worker, raw evalCode on this thread): measured without
 * it, the first ~1 500 calls after start ran at 2–4× the settled time (V8 tiering up the QuickJS WASM and the
 * JS around it on both threads), and each round's memory bomb gives the worker a fresh module instance.
 */
const WARMUP_QUICKJS = 500

const us = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1000

async function warmOurs(sandbox: Sandbox, tier0: boolean, warmup = 0): Promise<number[]> {
  const samples: number[] = []
  let state = { count: 0 }
  const answered = sandbox.tier0Stats.runs
  for (let i = -warmup; i < CALLS; i++) {
    const t = process.hrtime.bigint()
    const out = await sandbox.run({
      code: CODE,
      state,
      args: { step: 1 },
      capabilities: ['state:write:count'],
      seed: 1,
      now: 0,
      tier0,
    })
    if (i >= 0) samples.push(us(t))
    if (!out.ok) throw new Error(out.error.message)
    state = out.value.state as { count: number }
  }
  const expected = tier0 ? warmup + CALLS : 0
  if (sandbox.tier0Stats.runs - answered !== expected) throw new Error('the warm loop took the wrong path')
  return samples
}

function ivmHandler(): { run(state: string): string; dispose(): void } {
  const isolate = new ivm.Isolate({ memoryLimit: 64 })
  const context = isolate.createContextSync()
  const fn = context.evalSync(
    `(function (stateJson, argsJson) { const $state = JSON.parse(stateJson), $args = JSON.parse(argsJson); ${CODE}; return JSON.stringify($state) })`,
    { reference: true },
  ) as import('isolated-vm').Reference<(s: string, a: string) => string>
  return {
    run: (state) => fn.applySync(undefined, [state, '{"step":1}'], { timeout: 1000 }) as string,
    dispose: () => isolate.dispose(),
  }
}

function warmIvm(warmup = 0): number[] {
  const handler = ivmHandler()
  const samples: number[] = []
  let state = '{"count":0}'
  for (let i = -warmup; i < CALLS; i++) {
    const t = process.hrtime.bigint()
    state = handler.run(state)
    if (i >= 0) samples.push(us(t))
  }
  handler.dispose()
  return samples
}

async function warmNodeVm(): Promise<number[]> {
  const context = vm.createContext({})
  const fn = new vm.Script(`(async function ($state, $args) { ${CODE} })`).runInContext(context) as (
    s: unknown,
    a: unknown,
  ) => Promise<void>
  const samples: number[] = []
  let state = { count: 0 }
  for (let i = 0; i < CALLS; i++) {
    const t = process.hrtime.bigint()
    const copy = JSON.parse(JSON.stringify(state)) as { count: number }
    await fn(copy, Object.freeze({ step: 1 }))
    state = JSON.parse(JSON.stringify(copy)) as { count: number }
    samples.push(us(t))
  }
  return samples
}

async function quickJsModule(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(
    newVariant(RELEASE_SYNC, { wasmMemory: new WebAssembly.Memory({ initial: 256, maximum: 1024 }) }),
  )
}

/** The QuickJS path's floor: the same handler text through `evalCode` on this thread, state JSON in and out. */
function warmRaw(module: QuickJSWASMModule, warmup = 0): number[] {
  const context = module.newContext()
  const source = `(() => { const $state = JSON.parse(stateJson), $args = {"step":1}; ${CODE}; return JSON.stringify($state) })()`
  const samples: number[] = []
  let state = '{"count":0}'
  for (let i = -warmup; i < CALLS; i++) {
    const t = process.hrtime.bigint()
    const input = context.newString(state)
    context.setProp(context.global, 'stateJson', input)
    input.dispose()
    const result = context.unwrapResult(context.evalCode(source))
    state = context.getString(result)
    result.dispose()
    if (i >= 0) samples.push(us(t))
  }
  if (state !== `{"count":${warmup + CALLS}}`) throw new Error(`raw evalCode computed ${state}`)
  context.dispose()
  return samples
}

/**
 * The adaptive spin of pool/sharedChannel.ts `Spinner` (same constants), as source text so the bare worker
 * below can use it: poll up to `ms`, give up on a preemption gap, back off after a spin that gave up.
 */
const SPINNER = `class Spinner {
  skips = 0
  backoff = 16
  spin(control, word, value, ms) {
    if (this.skips > 0) { this.skips--; return false }
    const start = performance.now()
    for (let last = start; ; ) {
      if (Atomics.load(control, word) !== value) { this.backoff = 16; return true }
      const now = performance.now()
      if (now - start > ms || now - last > 0.02) break
      last = now
    }
    if (Atomics.load(control, word) !== value) return true
    this.backoff = Math.min(4096, this.backoff * 2)
    this.skips = this.backoff
    return false
  }
}`

/**
 * The channel's own floor: a bare round trip to a second thread over a SharedArrayBuffer, the way the pool
 * and its workers talk (the worker spins up to 200 µs for the next request before `Atomics.wait`, this thread
 * up to 30 µs for the answer before `Atomics.waitAsync`, both through the same adaptive spinner), with no
 * work on the other side.
 */
async function pingPong(calls: number, warmup: number): Promise<number[]> {
  const control = new Int32Array(new SharedArrayBuffer(16))
  const worker = new Worker(
    `${SPINNER}
    const { workerData } = require('node:worker_threads')
    const c = new Int32Array(workerData)
    const spinner = new Spinner()
    for (let seen = 0; ; ) {
      spinner.spin(c, 0, seen, 0.2)
      while (Atomics.load(c, 0) === seen) Atomics.wait(c, 0, seen)
      seen = Atomics.load(c, 0)
      if (seen < 0) break
      Atomics.add(c, 1, 1)
      Atomics.notify(c, 1)
    }`,
    { eval: true, workerData: control.buffer },
  )
  const spinner = new (
    vm.runInThisContext(`(${SPINNER})`) as new () => {
      spin(control: Int32Array, word: number, value: number, ms: number): boolean
    }
  )()
  const samples: number[] = []
  for (let i = -warmup; i < calls; i++) {
    const t = process.hrtime.bigint()
    const done = Atomics.load(control, 1)
    Atomics.add(control, 0, 1)
    Atomics.notify(control, 0)
    spinner.spin(control, 1, done, 0.03)
    while (Atomics.load(control, 1) === done) {
      const waiting = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(control, 1, done)
      if (waiting.async) await waiting.value
    }
    await null // as `await sandbox.run` resumes the caller
    if (i >= 0) samples.push(us(t))
  }
  Atomics.store(control, 0, -1)
  Atomics.notify(control, 0)
  await worker.terminate()
  return samples
}
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> }

async function coldOurs(n: number): Promise<number[]> {
  const module = await quickJsModule()
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    const runtime = module.newRuntime()
    const context = runtime.newContext()
    context.evalCode('1').dispose()
    samples.push(us(t))
    context.dispose()
    runtime.dispose()
  }
  return samples
}

function coldIvm(n: number): number[] {
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    const isolate = new ivm.Isolate({ memoryLimit: 64 })
    const context = isolate.createContextSync()
    context.evalSync('1')
    samples.push(us(t))
    context.release()
    isolate.dispose()
  }
  return samples
}

async function bombOurs(sandbox: Sandbox): Promise<number> {
  const t = process.hrtime.bigint()
  const limits = { memoryBytes: BOMB_LIMIT_MB * 1024 * 1024 }
  const out = await sandbox.run({ code: BOMB, state: {}, args: {}, capabilities: [], limits })
  if (out.ok || out.error.code !== 'SANDBOX_MEMORY') throw new Error('bomb not contained as SANDBOX_MEMORY')
  return us(t) / 1000
}

function bombIvm(): number {
  const isolate = new ivm.Isolate({ memoryLimit: BOMB_LIMIT_MB })
  const context = isolate.createContextSync()
  const t = process.hrtime.bigint()
  try {
    context.evalSync(BOMB, { timeout: 10_000 })
  } catch {
    // "Isolate was disposed during execution due to memory limit"
  }
  const ms = us(t) / 1000
  if (!isolate.isDisposed) isolate.dispose()
  return ms
}

const sandbox = await Sandbox.create()
const rawModule = await quickJsModule()
const tier0: number[] = []
const quickjs: number[] = []
const raw: number[] = []
const floor: number[] = []
const peer: number[] = []
const nodeVm: number[] = []
const coldQ: number[] = []
const coldI: number[] = []
const bombQ: number[] = []
const bombI: number[] = []
// Round -1 warms every phase and is not recorded.
for (let r = -1; r < ROUNDS; r++) {
  const keep = <T>(into: T[], values: T[]): void => {
    if (r >= 0) into.push(...values)
  }
  keep(tier0, await warmOurs(sandbox, true, WARMUP))
  keep(quickjs, await warmOurs(sandbox, false, WARMUP_QUICKJS))
  keep(raw, warmRaw(rawModule, WARMUP_QUICKJS))
  keep(floor, await pingPong(CALLS, WARMUP_QUICKJS))
  keep(peer, warmIvm(WARMUP))
  keep(nodeVm, await warmNodeVm())
  keep(coldQ, await coldOurs(50))
  keep(coldI, coldIvm(20))
  for (let i = 0; i < 2; i++) {
    keep(bombQ, [await bombOurs(sandbox)])
    keep(bombI, [bombIvm()])
  }
}
await sandbox.dispose()

const callsPerSecond = (samples: number[]): number => 1e6 / median(samples)
console.log(
  `node:vm (same process, no isolation) warm p50 ${median(nodeVm).toFixed(2)} us, p99 ${percentile(nodeVm, 99).toFixed(2)} us`,
)
const ivmP50 = { name: IVM, value: median(peer) }
const ivmP99 = { name: IVM, value: percentile(peer, 99) }
const ivmRate = { name: IVM, value: callsPerSecond(peer) }
const nodeVmP50 = { name: 'node:vm (no isolation)', value: median(nodeVm) }
const QJS = 'QuickJS path, tier 0 off'
const rawP50 = { name: 'raw in-thread quickjs-emscripten evalCode', value: median(raw) }
console.log(`raw in-thread evalCode warm p50 ${median(raw).toFixed(2)} us, p99 ${percentile(raw, 99).toFixed(2)} us`)
const floorP50 = { name: 'bare SharedArrayBuffer round trip to a worker', value: median(floor) }
console.log(`bare SAB round trip p50 ${median(floor).toFixed(2)} us, p99 ${percentile(floor, 99).toFixed(2)} us`)
save({
  name: 'sandbox',
  date: new Date().toISOString(),
  machine: machine(),
  metrics: [
    compared('warm handler call p50 (tier 0)', 'us', 'lower', median(tier0), ivmP50, { op: '<=', ratio: 1.0 }),
    compared('warm handler call p99 (tier 0)', 'us', 'lower', percentile(tier0, 99), ivmP99, { op: '<=', ratio: 1.0 }),
    compared('warm handler calls/s (tier 0)', 'calls/s', 'higher', callsPerSecond(tier0), ivmRate, {
      op: '>=',
      ratio: 1.0,
    }),
    compared(`warm handler call p50 (${QJS}) vs raw evalCode`, 'us', 'lower', median(quickjs), rawP50, {
      op: '<=',
      ratio: 3.0,
    }),
    compared(`warm handler call p50 (${QJS}) vs the channel's floor`, 'us', 'lower', median(quickjs), floorP50, {
      op: '<=',
      value: 15,
    }),
    compared(`warm handler call p50 (${QJS})`, 'us', 'lower', median(quickjs), ivmP50, { op: '<=', value: 15 }),
    compared(`warm handler call p99 (${QJS})`, 'us', 'lower', percentile(quickjs, 99), ivmP99, {
      op: '<=',
      value: 150,
    }),
    compared(`warm handler calls/s (${QJS})`, 'calls/s', 'higher', callsPerSecond(quickjs), ivmRate, {
      op: '>=',
      ratio: 1.0,
    }),
    compared('warm handler call p50 (tier 0) vs node:vm', 'us', 'lower', median(tier0), nodeVmP50, {
      op: '<=',
      value: 1000,
    }),
    compared(`warm handler call p50 (${QJS}) vs node:vm`, 'us', 'lower', median(quickjs), nodeVmP50, {
      op: '<=',
      value: 1000,
    }),
    compared(
      'cold start (fresh runtime/isolate + context) p50',
      'us',
      'lower',
      median(coldQ),
      { name: IVM, value: median(coldI) },
      { op: '<=', ratio: 0.2 },
    ),
    compared(
      `memory bomb contained p50 (${BOMB_LIMIT_MB} MiB limit)`,
      'ms',
      'lower',
      median(bombQ),
      { name: IVM, value: median(bombI) },
      { op: '<=', ratio: 1.0 },
    ),
  ],
})

// Warm handler call: the counter's `increment` through @nexus/sandbox (QuickJS in WebAssembly, fresh runtime
// per run, state in, RFC 6902 ops out) side by side with node:vm running the same handler in a reused context.
import vm from 'node:vm'
import { Sandbox } from '@nexus/sandbox'
import { compared, machine, median, percentile, save } from './lib.ts'

const CODE = '$state.count += $args.step'
const ROUNDS = 5
const CALLS = 400

async function timeOurs(sandbox: Sandbox): Promise<number[]> {
  const samples: number[] = []
  let state = { count: 0 }
  for (let i = 0; i < CALLS; i++) {
    const t = process.hrtime.bigint()
    const outcome = await sandbox.run({
      code: CODE,
      state,
      args: { step: 1 },
      capabilities: ['state:write:count'],
      seed: 1,
      now: 0,
    })
    samples.push(Number(process.hrtime.bigint() - t) / 1000)
    if (!outcome.ok) throw new Error(outcome.error.message)
    state = outcome.value.state as { count: number }
  }
  return samples
}

async function timeNodeVm(): Promise<number[]> {
  const context = vm.createContext({})
  const script = new vm.Script(`(async function ($state, $args) { ${CODE} })`)
  const fn = script.runInContext(context) as (s: unknown, a: unknown) => Promise<void>
  const samples: number[] = []
  let state = { count: 0 }
  for (let i = 0; i < CALLS; i++) {
    const t = process.hrtime.bigint()
    const copy = JSON.parse(JSON.stringify(state)) as { count: number }
    await fn(copy, Object.freeze({ step: 1 }))
    state = JSON.parse(JSON.stringify(copy)) as { count: number }
    samples.push(Number(process.hrtime.bigint() - t) / 1000)
  }
  return samples
}

const sandbox = await Sandbox.create()
await timeOurs(sandbox) // warm the module
const ours: number[] = []
const peer: number[] = []
for (let r = 0; r < ROUNDS; r++) {
  ours.push(...(await timeOurs(sandbox)))
  peer.push(...(await timeNodeVm()))
}
sandbox.dispose()

const nodeVm = 'node:vm (same process, no isolation)'
save({
  name: 'sandbox',
  date: new Date().toISOString(),
  machine: machine(),
  metrics: [
    compared(
      'warm handler call p50',
      'us',
      'lower',
      median(ours),
      { name: nodeVm, value: median(peer) },
      { op: '<=', value: 1000 },
    ),
    compared(
      'warm handler call p99',
      'us',
      'lower',
      percentile(ours, 99),
      { name: nodeVm, value: percentile(peer, 99) },
      { op: '<=', value: 5000 },
    ),
  ],
})

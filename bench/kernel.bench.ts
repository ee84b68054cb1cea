// The kernel against the floor (issue #5): trigger → patch received by 10 and by 1,000 subscribed clients
// on loopback, the clients in two other processes. The floor is a bare `ws` server broadcasting the same
// bytes (bench/kernel/floor.ts); both are measured by the same clients, alternating rounds in one run:
// - latency: closed loop, one trigger at a time; per trigger, when the last and the median subscriber had
//   its patch, from the trigger's send (one CLOCK_MONOTONIC across processes, see bench/kernel/clients.ts);
// - sustained rate: triggers pipelined (at most INFLIGHT not yet delivered everywhere), versions fully
//   delivered per second over a fixed window;
// then NOG query latency on a 100,000-entity graph (bench/kernel/nog.ts), then outbound requests through
// nexus.http against a plain fetch (bench/kernel/egress.ts).
// KERNEL_BENCH_ONLY=egress, =sync or =startup: only the outbound, only the trigger → patch or only the startup
// rows (bench/kernel/startup.ts: built kernel against the tsx start), merged into the stored results.
// KERNEL_BENCH_ONLY=checkpoint: only the SQLite commit's hold on the loop, the checkpoint worker against SQLite's
// automatic checkpoint (bench/kernel/checkpoint.ts).
// KERNEL_BENCH_CPU_PROF=<dir>: profile mode (kernel and floor under --cpu-prof, nothing saved), on the plan of
// KERNEL_BENCH_CLIENTS clients (1,000 unless set).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compared, machine, median, percentile, save, saveMerged, type Metric } from './lib.ts'
import { checkpointMetrics } from './kernel/checkpoint.ts'
import { egressMetrics } from './kernel/egress.ts'
import { nogMetrics } from './kernel/nog.ts'
import { startupMetrics } from './kernel/startup.ts'
import { freePort, spawnKernel, spawnTs, stop, stopAll } from './kernel/processes.ts'
import { createCounter, samplePatchFrame, setupOwner } from './kernel/setup.ts'
import { checkClock, latencyRound, rateRound, Trigger, Worker, type Latencies, type Side } from './kernel/sync.ts'
import type { Target } from './kernel/messages.ts'

const WORKERS = 2
const INFLIGHT = 16
const PLANS = [
  { clients: 10, rounds: 5, triggers: 100, warmMs: 200, windowMs: 1000 },
  { clients: 1000, rounds: 6, triggers: 40, warmMs: 300, windowMs: 1500 },
] as const
// Profile mode: kernel and floor under --cpu-prof, one plan only, nothing saved.
const PROFILE = process.env.KERNEL_BENCH_CPU_PROF
const ONLY = process.env.KERNEL_BENCH_ONLY
const PROFILED = PLANS.filter((p) => p.clients === Number(process.env.KERNEL_BENCH_CLIENTS ?? 1000))
const FLOOR = 'bare ws broadcast (floor)'

interface Measured {
  latency: Record<Target, Latencies>
  rate: Record<Target, number[]>
}

const temp: string[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temp.push(dir)
  return dir
}

async function measure(
  plan: (typeof PLANS)[number],
  servers: { kernel: string; floor: string },
  key: string,
  panelId: string,
): Promise<Measured> {
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => Worker.start()))
  try {
    console.log(
      `clock check: worker readings inside every round trip (widest ${(await checkClock(workers)).toFixed(3)} ms)`,
    )
    const headers = { authorization: `Bearer ${key}` }
    const sides = {} as Record<Target, Side>
    for (const target of ['kernel', 'floor'] as const) {
      const t = Date.now()
      const connected = await Promise.all(
        workers.map((w) =>
          w.request('connected', {
            type: 'connect',
            target,
            url: servers[target],
            headers,
            channel: `panel:${panelId}`,
            count: plan.clients / WORKERS,
          }),
        ),
      )
      const version = Math.max(...connected.map((c) => c.version))
      sides[target] = { target, panelId, trigger: await Trigger.connect(servers[target], headers, version) }
      console.log(`${plan.clients} clients subscribed to the ${target} in ${Date.now() - t} ms`)
    }
    for (const side of Object.values(sides)) await latencyRound(workers, side, 30) // warm-up
    const out: Measured = {
      latency: { kernel: { last: [], median: [] }, floor: { last: [], median: [] } },
      rate: { kernel: [], floor: [] },
    }
    for (let r = 0; r < plan.rounds; r++) {
      for (const side of Object.values(sides)) {
        const got = await latencyRound(workers, side, plan.triggers)
        out.latency[side.target].last.push(...got.last)
        out.latency[side.target].median.push(...got.median)
        console.log(
          `${plan.clients} clients, ${side.target}: last p50 ${median(got.last).toFixed(2)} ms, p99 ${percentile(got.last, 99).toFixed(2)} ms`,
        )
      }
    }
    for (let r = 0; r < plan.rounds; r++) {
      for (const side of Object.values(sides)) {
        const rate = await rateRound(workers, side, { ...plan, inflight: INFLIGHT })
        out.rate[side.target].push(rate)
        console.log(`${plan.clients} clients, ${side.target}: ${rate.toFixed(0)} triggers/s delivered`)
      }
    }
    for (const side of Object.values(sides)) side.trigger.close()
    return out
  } finally {
    for (const w of workers) w.send({ type: 'close' })
    await Promise.all(workers.map((w) => stop(w.child)))
  }
}

function syncMetrics(clients: number, m: Measured): Metric[] {
  const big = clients >= 1000
  const lat = (name: string, pick: (l: Latencies) => number, goal: Metric['goal']) =>
    compared(
      `${name}, ${clients} clients`,
      'ms',
      'lower',
      pick(m.latency.kernel),
      { name: FLOOR, value: pick(m.latency.floor) },
      goal,
    )
  return [
    lat(
      'trigger → patch at last client p50',
      (l) => median(l.last),
      big ? { op: '<=', ratio: 1.5 } : { op: '<=', value: 2 },
    ),
    lat(
      'trigger → patch at last client p99',
      (l) => percentile(l.last, 99),
      big ? { op: '<=', ratio: 1.5 } : { op: '<=', value: 5 },
    ),
    lat(
      'trigger → patch at median client p50',
      (l) => median(l.median),
      big ? { op: '<=', ratio: 1.5 } : { op: '<=', value: 2 },
    ),
    compared(
      `sustained triggers/s delivered to all, ${clients} clients`,
      'triggers/s',
      'higher',
      median(m.rate.kernel),
      { name: FLOOR, value: median(m.rate.floor) },
      big ? { op: '>=', ratio: 0.8 } : { op: '>=', value: 500 },
    ),
  ]
}

if (ONLY === 'egress') saveMerged('kernel', await egressMetrics())
else if (ONLY === 'checkpoint') saveMerged('kernel', await checkpointMetrics())
else if (ONLY !== 'startup')
  try {
    const port = await freePort()
    const kernel = await spawnKernel(
      port,
      tempDir('nexus-bench-kernel-'),
      PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [],
    )
    const { key } = await setupOwner(kernel.url)
    const panel = await createCounter(kernel.url, key)
    const kernelWs = kernel.url.replace('http', 'ws') + '/ws'
    const frame = await samplePatchFrame(kernelWs, key, panel.id)
    const floorPort = await freePort()
    const floor = await spawnTs('bench/kernel/floor.ts', {
      args: [String(floorPort), `panel:${panel.id}`, String(panel.version + 1)],
      nodeArgs: PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}/floor`] : [],
      ready: /floor listening/,
    })
    console.log(`kernel patch frame (${Buffer.byteLength(frame)} bytes): ${frame}`)
    const servers = { kernel: kernelWs, floor: `ws://127.0.0.1:${floorPort}` }
    const metrics: Metric[] = []
    for (const plan of PROFILE ? PROFILED : PLANS) {
      metrics.push(...syncMetrics(plan.clients, await measure(plan, servers, key, panel.id)))
    }
    await stop(floor.child)
    await stop(kernel.child) // SIGTERM: the kernel closes and exits, writing its profile
    if (PROFILE) {
      console.log(`kernel CPU profile written to ${PROFILE}; results not saved in profile mode`)
    } else if (ONLY === 'sync') {
      saveMerged('kernel', metrics)
    } else {
      metrics.push(...(await nogMetrics(tempDir('nexus-bench-nog-'))))
      metrics.push(...(await egressMetrics()))
      metrics.push(...(await checkpointMetrics()))
      save({ name: 'kernel', date: new Date().toISOString(), machine: machine(), metrics })
    }
  } finally {
    await stopAll()
    for (const dir of temp) rmSync(dir, { recursive: true, force: true })
  }

if (!PROFILE && (ONLY === undefined || ONLY === 'startup')) saveMerged('kernel', await startupMetrics())

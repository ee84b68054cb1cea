// Kernel startup (issue #13): time from spawn to the "running at" line, for the production build
// (`node dist/main.js`, what `npm start` runs; scripts/build-kernel.mjs) against the start it replaced
// (`node --conditions=@nexus/source --import tsx packages/kernel/src/main.ts`). Each side restarts on a data dir
// of its own that a first, uncounted start created (as a restart in production finds it), and tsx's transform
// cache is warm after that first start too. The two alternate in ABBA order, STARTUP_RUNS times each; medians.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildKernel } from '../../scripts/build-kernel.mjs'
import { compared, median, type Metric } from '../lib.ts'
import { ROOT, stop } from './processes.ts'

const RUNS = Number(process.env.KERNEL_BENCH_STARTUP_RUNS ?? 9)
const TSX = 'tsx start (node --import tsx src/main.ts)'

interface Side {
  name: string
  argv: string[]
  dataDir: string
}

/** One start: spawn, wait for the URL line, then SIGTERM by PID and wait for the exit. Returns ms to the URL. */
async function startOnce(side: Side): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, side.argv, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NEXUS_DATA_DIR: side.dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${side.name} did not start:\n${output}`)), 120_000)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (/running at http:\/\/\S+/.test(output)) {
          clearTimeout(timer)
          resolve(performance.now() - started)
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('exit', (code) => reject(new Error(`${side.name} exited with ${code}:\n${output}`)))
    })
  } finally {
    child.stdout.resume()
    child.stderr.resume()
    await stop(child)
  }
}

/** Builds the kernel into a folder of its own, measures both starts, and returns the metric. */
export async function startupMetrics(): Promise<Metric[]> {
  const outdir = join(ROOT, 'packages/kernel/dist', `bench-${process.pid}`)
  const temp = [outdir]
  try {
    const { main } = await buildKernel({ outdir })
    const dataDir = (prefix: string) => {
      const dir = mkdtempSync(join(tmpdir(), prefix))
      temp.push(dir)
      return dir
    }
    const built: Side = { name: 'built kernel (node dist/main.js)', argv: [main], dataDir: dataDir('nexus-start-b-') }
    const tsx: Side = {
      name: TSX,
      argv: ['--conditions=@nexus/source', '--import', 'tsx', 'packages/kernel/src/main.ts'],
      dataDir: dataDir('nexus-start-t-'),
    }
    // First starts create each data dir (migrations, TriLog's chDB files) and fill tsx's cache: not counted.
    await startOnce(built)
    await startOnce(tsx)
    const times = { built: [] as number[], tsx: [] as number[] }
    const loads: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? (['built', 'tsx'] as const) : (['tsx', 'built'] as const)
      for (const which of order) times[which].push(await startOnce(which === 'built' ? built : tsx))
      loads.push(loadavg()[0]!)
      console.log(
        `startup run ${i + 1}/${RUNS}: built ${times.built.at(-1)!.toFixed(0)} ms, tsx ${times.tsx.at(-1)!.toFixed(0)} ms` +
          ` (load ${loads.at(-1)!.toFixed(2)})`,
      )
    }
    console.log(
      `startup medians of ${RUNS}: built ${median(times.built).toFixed(0)} ms, tsx ${median(times.tsx).toFixed(0)} ms;` +
        ` 1-minute load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
    )
    return [
      compared(
        'kernel startup to listening (built, plain node)',
        'ms',
        'lower',
        median(times.built),
        { name: TSX, value: median(times.tsx) },
        { op: '<=', ratio: 0.5 },
      ),
    ]
  } finally {
    for (const dir of temp) rmSync(dir, { recursive: true, force: true })
  }
}

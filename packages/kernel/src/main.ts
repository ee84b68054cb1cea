import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { configFromEnv } from './config.ts'
import { KernelError } from './errors.ts'
import { startKernel, type RunningKernel } from './Kernel.ts'

/** Exit code when another kernel serves the database (EX_TEMPFAIL: start again once that one has stopped). */
const EXIT_DATABASE_IN_USE = 75
/** Exit code when the kernel stopped by itself (it lost its database lock), for a supervisor to restart it. */
const EXIT_STOPPED_ITSELF = 1

// Last line of defence: a rejection nobody handled is logged and counted, and the kernel keeps serving
// (every request path catches its own; this one must never be how a stranger ends the process). An uncaught
// exception leaves state unknowable, so it is logged and counted and the process exits for a clean restart
// (acknowledged changes are durable, and TriLog catches up from its outbox).
const started: { kernel?: RunningKernel } = {}
process.on('unhandledRejection', (reason) => {
  console.error('[kernel] unhandled rejection (kept running):', reason)
  started.kernel?.metrics.unhandled.inc({ kind: 'rejection' })
})
process.on('uncaughtException', (error, origin) => {
  console.error(`[kernel] uncaught exception (${origin}); exiting:`, error)
  started.kernel?.metrics.unhandled.inc({ kind: 'exception' })
  process.exit(70)
})

// `nexus serve`: the kernel with the built studio, on one port.
const studioDir = fileURLToPath(new URL('../../../apps/studio/dist', import.meta.url))
const config = configFromEnv()
const kernel = await startKernel({ ...config, studioDir: existsSync(studioDir) ? studioDir : undefined }).catch(
  (error: unknown) => {
    if (!(error instanceof KernelError && error.code === 'DATABASE_IN_USE')) throw error
    console.error(`[kernel] refusing to start: ${error.message}`)
    process.exit(EXIT_DATABASE_IN_USE)
  },
)
started.kernel = kernel
console.log(`Nexus is running at ${kernel.url}  (data: ${config.dataDir})`)

// The first signal closes within NEXUS_SHUTDOWN_TIMEOUT_MS (close never rejects); a second exits at once. One
// Ctrl+C reaches the kernel twice under `npm start` (from the terminal and forwarded by scripts/start.mjs), so
// a repeat within REPEAT_MS is the same request.
const REPEAT_MS = 1_000
let stopping: number | undefined
void kernel.stopped.then((report) => {
  if (!report.cutShort)
    console.log(
      `[kernel] stopped in ${report.ms} ms, nothing cut short (${report.clients} WebSocket clients sent away with 1001)`,
    )
  process.exit(stopping === undefined ? EXIT_STOPPED_ITSELF : 0)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping !== undefined) {
      if (Date.now() - stopping < REPEAT_MS) return
      console.error(`[kernel] ${signal} again: exiting now`)
      process.exit(1)
    }
    stopping = Date.now()
    console.log(`[kernel] ${signal}: stopping (deadline ${config.shutdownTimeoutMs} ms; a second signal exits at once)`)
    void kernel.close()
  })
}

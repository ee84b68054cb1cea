import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { configFromEnv } from './config.ts'
import { startKernel, type RunningKernel } from './Kernel.ts'

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
const kernel = await startKernel({ ...config, studioDir: existsSync(studioDir) ? studioDir : undefined })
started.kernel = kernel
console.log(`Nexus is running at ${kernel.url}  (data: ${config.dataDir})`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1)
    stopping = true
    kernel.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

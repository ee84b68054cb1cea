import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { configFromEnv } from './config.ts'
import { startKernel } from './Kernel.ts'

// `nexus serve`: the kernel with the built studio, on one port.
const studioDir = fileURLToPath(new URL('../../../apps/studio/dist', import.meta.url))
const config = configFromEnv()
const kernel = await startKernel({ ...config, studioDir: existsSync(studioDir) ? studioDir : undefined })
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

// `npm start`: install what is missing, build the studio and the kernel when their sources changed, and start
// the built kernel with plain node (no tsx: scripts/build-kernel.mjs bundles it to packages/kernel/dist).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, ensureInstall } from './ensure-install.mjs'

ensureInstall()

const STUDIO_INPUTS = ['apps/studio/src', 'apps/studio/index.html', 'packages/reactor/src', 'packages/protocol/src']
const built = join(ROOT, 'apps/studio/dist/index.html')

function newest(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

const stale =
  !existsSync(built) || Math.max(...STUDIO_INPUTS.map((p) => newest(join(ROOT, p)))) > statSync(built).mtimeMs
if (stale) {
  console.log('Building the studio…')
  const result = spawnSync('npx', ['vite', 'build', 'apps/studio', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

// Imported after ensureInstall: the build script needs esbuild from node_modules.
const { buildKernel, kernelStale } = await import('./build-kernel.mjs')
if (kernelStale()) {
  console.log('Building the kernel…')
  await buildKernel().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}

const kernel = spawn(process.execPath, [join(ROOT, 'packages/kernel/dist/main.js')], { cwd: ROOT, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => kernel.kill(signal))
kernel.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

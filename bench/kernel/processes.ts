// Child processes of the kernel bench: the kernel as `npm start` runs it, the floor server and the client
// workers. Every child is tracked so `stopAll` ends each one by its PID, also when the bench fails.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const started = new Set<ChildProcess>()

export { freePort } from '../../packages/kernel/test/process.ts'

/** A TypeScript file under `node --import tsx`; resolves once its output matches `ready`. */
export async function spawnTs(
  file: string,
  options: { args?: string[]; nodeArgs?: string[]; env?: NodeJS.ProcessEnv; ready: RegExp; ipc?: boolean },
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--conditions=@nexus/source', '--import', 'tsx', file, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
      serialization: 'advanced',
    },
  )
  started.add(child)
  child.once('exit', () => started.delete(child))
  let output = ''
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const found = options.ready.exec(output)
      if (found) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        child.stderr!.off('data', onData)
        // Keep draining so a chatty child never blocks on a full pipe; show its errors.
        child.stdout!.resume()
        child.stderr!.on('data', (c: Buffer) => process.stderr.write(`[${file}] ${c.toString()}`))
        resolve(found)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}:\n${output}`)))
  })
  return { child, match }
}

/** The kernel in its own process (as test/process.ts `spawnKernel` does), optionally under --cpu-prof. */
export async function spawnKernel(
  port: number,
  dataDir: string,
  nodeArgs: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const { child, match } = await spawnTs('packages/kernel/src/main.ts', {
    nodeArgs,
    env: { PORT: String(port), HOST: '127.0.0.1', NEXUS_DATA_DIR: dataDir },
    ready: /running at (http:\/\/\S+)/,
  })
  return { url: match[1]!, child }
}

/** Ends one child by its PID: SIGTERM, then SIGKILL after `graceMs`. */
export function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Ends every child still running, each by its own PID. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((child) => stop(child)))
}

// A synchronous last resort when the bench process exits abruptly.
process.on('exit', () => {
  for (const child of started) child.kill('SIGKILL')
})

import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { KernelError, startKernel, type RunningKernel } from '../src/index.ts'
import { OWNER } from './helpers.ts'
import { freePort, spawnKernel, stopKernel } from './process.ts'

const json = { 'content-type': 'application/json' }

/** Starts a kernel process expected to be refused; resolves with what `spawnKernel` reported. */
async function refusedStart(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const started = await spawnKernel(await freePort(), dataDir, env).then(
    async (k) => {
      await stopKernel(k.process)
      return undefined
    },
    (error: Error) => error.message,
  )
  if (started === undefined) throw new Error('a second kernel started on a database already served')
  return started
}

describe('one kernel per SQLite database', () => {
  const kernels: ChildProcess[] = []
  afterAll(async () => {
    for (const k of kernels) await stopKernel(k, 'SIGKILL')
  })

  it('refuses a second kernel process with the holder named, and starts one at once after a SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-single-'))
    const first = await spawnKernel(await freePort(), dataDir)
    kernels.push(first.process)
    const setup = await fetch(`${first.url}/api/auth/setup`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(OWNER),
    })
    expect(setup.status).toBe(201)

    const refusal = await refusedStart(dataDir)
    expect(refusal).toContain('kernel exited with 75')
    expect(refusal).toContain(
      `[kernel] refusing to start: ${join(dataDir, 'nexus.db')} is already served by the kernel with pid ${first.process.pid} on ${hostname()} since `,
    )
    expect(refusal).toContain(
      'One kernel per database: stop that kernel first, or give this one its own database (NEXUS_DATA_DIR).',
    )
    // The refused kernel left the first one serving.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200)

    await stopKernel(first.process, 'SIGKILL')
    const next = await spawnKernel(await freePort(), dataDir)
    kernels.push(next.process)
    const login = await fetch(`${next.url}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
    })
    expect(login.status).toBe(200)
  }, 180_000)

  it('refuses a second kernel in the same process until the first has closed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-single-'))
    const options = { host: '127.0.0.1', port: 0, dataDir, trilogDir: join(dataDir, 'trilog') }
    const first: RunningKernel = await startKernel(options)
    const refused = await startKernel(options).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(KernelError)
    expect((refused as KernelError).code).toBe('DATABASE_IN_USE')
    expect((refused as KernelError).details).toMatchObject({
      database: join(dataDir, 'nexus.db'),
      holder: { pid: process.pid, host: hostname() },
    })
    await first.close()
    const second = await startKernel(options)
    // The lock file exists now: taking it again still holds it against the next one.
    await expect(startKernel(options)).rejects.toMatchObject({ code: 'DATABASE_IN_USE' })
    await second.close()
  }, 60_000)
})

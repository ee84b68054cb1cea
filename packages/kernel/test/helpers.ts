import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import type { ServerMessage } from '@nexus/protocol'
import { startKernel, type KernelOptions, type RunningKernel } from '../src/index.ts'
import { createDatabase } from './postgres.ts'

export const COUNTER = readFileSync(
  fileURLToPath(new URL('../../reactor/test/cases/counter.nxml', import.meta.url)),
  'utf8',
)

export interface TestKernel {
  kernel: RunningKernel
  clock: { now: number }
  dataDir: string
  /** The owner's API key, sent by `api()` and `TestClient` unless told otherwise. */
  ownerKey: string
  workspaceId: string
}

/** Credentials `api()` and `TestClient.connect()` use for a kernel when none is given. */
const defaultKeys = new WeakMap<RunningKernel, string>()

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: 'Olive Owner' }

export type KernelFactory = () => Promise<TestKernel>

// chDB binds one directory per process, so every kernel in this test process shares one TriLog dir.
const TRILOG_DIR = mkdtempSync(join(tmpdir(), 'nexus-trilog-'))

/**
 * A kernel on a free loopback port with a fresh data dir (or the given PostgreSQL database) and a clock
 * the test moves by hand.
 */
export async function startTestKernel(
  options: { databaseUrl?: string } & Partial<Omit<KernelOptions, 'clock'>> = {},
): Promise<TestKernel> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-kernel-'))
  const clock = { now: 1_700_000_000_000 }
  // `npm run test:services` runs every kernel suite again on PostgreSQL (see postgresGlobalSetup.ts).
  const pgAdmin = process.env.NEXUS_TEST_POSTGRES
  if (pgAdmin && options.databaseUrl === undefined) {
    options = { ...options, databaseUrl: await createDatabase(pgAdmin, `nexus_${randomBytes(6).toString('hex')}`) }
  }
  const kernel = await startKernel({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    trilogDir: TRILOG_DIR,
    ...options,
    clock: () => clock.now,
  })
  const setup = await api(kernel, 'POST', '/api/auth/setup', OWNER, null)
  const session = setup.body.accessToken as string
  const key = await api(kernel, 'POST', '/api/keys', { name: 'tests' }, session)
  defaultKeys.set(kernel, key.body.key as string)
  const me = await api(kernel, 'GET', '/api/me', undefined, session)
  return { kernel, clock, dataDir, ownerKey: key.body.key as string, workspaceId: me.body.workspaces[0].id as string }
}

/** One HTTP call; `token` null sends no credential, undefined sends the kernel's owner key. */
export async function api(kernel: RunningKernel, method: string, path: string, body?: unknown, token?: string | null) {
  const credential = token === undefined ? defaultKeys.get(kernel) : token
  const headers: Record<string, string> = credential ? { authorization: `Bearer ${credential}` } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(kernel.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  const json = res.headers.get('content-type')?.includes('application/json')
  return { status: res.status, body: (json ? JSON.parse(text) : text || null) as Record<string, any> }
}

/** A real WebSocket client that queues what the server sends. */
export class TestClient {
  readonly messages: ServerMessage[] = []
  private waiters: (() => void)[] = []
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as ServerMessage)
      for (const w of this.waiters.splice(0)) w()
    })
  }

  /** Connects with the kernel's owner key unless `token` says otherwise (null: anonymous). */
  static async connect(kernel: RunningKernel, token?: string | null): Promise<TestClient> {
    const credential = token === undefined ? defaultKeys.get(kernel) : token
    const socket = new WebSocket(kernel.url.replace('http', 'ws') + '/ws', {
      headers: credential ? { authorization: `Bearer ${credential}` } : {},
    })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    return new TestClient(socket)
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  /** Waits until a message matching `predicate` has arrived and returns it (and drops everything before it). */
  async next(predicate: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    return (await this.until(predicate, timeoutMs)).at(-1)!
  }

  /** Waits for a message matching `predicate`; returns it with every message before it, and drops them all. */
  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.messages.findIndex(predicate)
      if (index >= 0) return this.messages.splice(0, index + 1)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  close(): void {
    this.socket.close()
  }
}

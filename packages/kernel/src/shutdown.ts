import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Sandbox } from '@nexus/sandbox'
import type { Trilog, TrilogStore } from '@nexus/trilog'
import type { KernelLock } from './db/KernelLock.ts'
import type { OpenDatabase } from './db/openDatabase.ts'
import type { ExtensionRegistry } from './extensions/ExtensionRegistry.ts'
import type { HistoryRelay } from './panels/HistoryOutbox.ts'
import type { SyncHub } from './sync/SyncHub.ts'

/** What is left to close after the deadline: forced steps get this much longer before `close()` resolves. */
export const FORCE_GRACE_MS = 2_000

/** Work in flight (triggers taken and not settled), counted so shutdown can wait for it and report it. */
export class InFlight {
  #count = 0
  #waiters: (() => void)[] = []

  get size(): number {
    return this.#count
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.#count++
    const settled = () => {
      if (--this.#count === 0) for (const wake of this.#waiters.splice(0)) wake()
    }
    work.then(settled, settled)
    return work
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve))
  }
}

/** A moment after which shutdown stops waiting. */
class Deadline {
  #hit = false
  readonly #timer: NodeJS.Timeout
  readonly #passed: Promise<undefined>

  constructor(ms: number) {
    let pass!: () => void
    this.#passed = new Promise((resolve) => (pass = () => resolve(undefined)))
    this.#timer = setTimeout(() => {
      this.#hit = true
      pass()
    }, ms)
  }

  get hit(): boolean {
    return this.#hit
  }

  /** Waits for `work` (already started) until the deadline: its value, or undefined if it came too late or failed. */
  async within<T>(step: string, work: Promise<T>): Promise<{ value: T } | undefined> {
    if (this.#hit) return undefined
    const outcome = work.then(
      (value) => ({ value }),
      (error: unknown) => {
        console.error(`[kernel] shutdown: ${step} failed:`, error)
        return { value: undefined as T }
      },
    )
    return Promise.race([outcome, this.#passed])
  }

  clear(): void {
    clearTimeout(this.#timer)
  }
}

export interface KernelParts {
  server: Server
  /** Every TCP socket of `server`, including upgraded ones neither `http` nor `ws` still tracks. */
  sockets: Set<Socket>
  hub: SyncHub
  triggers: InFlight
  /** Runs every loaded panel's `<Lifecycle on="unmount">` handlers. */
  panels: { unmountAll(): Promise<void> }
  history: HistoryRelay
  sandbox: Sandbox
  extensions: ExtensionRegistry
  telemetry: Trilog
  trilog: TrilogStore
  database: OpenDatabase
  lock: KernelLock
}

/** How a shutdown went: `cutShort` is the line logged when the deadline cut something short. */
export interface ShutdownReport {
  ms: number
  /** WebSocket clients sent away with 1001. */
  clients: number
  cutShort?: string
}

/**
 * Closes the kernel within `timeoutMs` (plus {@link FORCE_GRACE_MS} for forced steps) whatever is pending.
 * In order: stop listening and send WebSocket clients away (1001); let triggers already taken finish, run
 * each loaded panel's unmount handlers, and let their history reach TriLog; close HTTP connections; stop extensions, TriLog, the database and the lock.
 * At the deadline it cuts short what is left: sockets are terminated, the sandbox is disposed (running and
 * queued handler runs fail), and the history relay stops (its rows wait in the outbox for the next start).
 * Logs one line saying what was cut short; never rejects.
 */
export async function shutdown(parts: KernelParts, timeoutMs: number): Promise<ShutdownReport> {
  const { server, sockets, hub, triggers, history } = parts
  const started = Date.now()
  const soft = new Deadline(timeoutMs)
  const hard = new Deadline(timeoutMs + FORCE_GRACE_MS)
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
  const away = hub.close()
  await soft.within('closing WebSocket clients', away.closed)
  await soft.within('waiting for running handlers', triggers.idle())
  // Unmount handlers run like any other (their changes reach history below); the sandbox is still up.
  await soft.within('running unmount handlers', parts.panels.unmountAll())
  await soft.within('flushing TriLog writes', history.close())
  const cut = soft.hit
  const terminated = hub.terminate()
  const handlers = triggers.size
  server.closeAllConnections()
  for (const socket of sockets) socket.destroy()
  // Disposing fails the runs still in the sandbox and every queued one (they never reach the database).
  const disposed = parts.sandbox.dispose()
  // Rows the relay did not send (cut at the deadline, or TriLog refused) wait in the outbox for the next start.
  const waiting = await hard.within('counting the TriLog outbox', history.stop())
  const unfinished: string[] = []
  const steps: [string, () => Promise<unknown>][] = [
    ['HTTP server', () => serverClosed],
    ['sandbox', () => disposed],
    ['extensions', () => parts.extensions.stop()],
    ['TriLog SDK', () => parts.telemetry.shutdown()],
    ['TriLog store', () => parts.trilog.close()],
    ['database', () => parts.database.close()],
    ['database lock', () => parts.lock.release()],
  ]
  // Every step is started even past the hard deadline, so the database and its lock are at least let go.
  for (const [name, step] of steps) if (!(await hard.within(name, step()))) unfinished.push(name)
  soft.clear()
  hard.clear()
  const report = { ms: Date.now() - started, clients: away.clients }
  if (!cut && waiting?.value === 0 && unfinished.length === 0) return report
  const pending = waiting?.value === undefined ? 'an unknown number of' : String(waiting.value)
  const cutShort =
    (cut
      ? `[kernel] shutdown cut short at its ${timeoutMs} ms deadline: `
      : `[kernel] shutdown left work for the next start before its ${timeoutMs} ms deadline: `) +
    `${handlers} handler runs stopped (running or queued), ${pending} TriLog writes left in the outbox for the ` +
    `next start, ${terminated} WebSocket clients terminated without closing (${away.clients} sent away with 1001)` +
    (unfinished.length ? `; not finished: ${unfinished.join(', ')}` : '')
  console.log(cutShort)
  return { ...report, cutShort }
}

import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { Sandbox, SandboxDisposedError } from '@nexus/sandbox'
import { nexusRegistry, Trilog, TrilogStore } from '@nexus/trilog'
import { AccountRepository } from './accounts/AccountRepository.ts'
import { AccountService } from './accounts/AccountService.ts'
import { loadJwtSecret } from './accounts/secrets.ts'
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, type KernelConfig } from './config.ts'
import { acquireKernelLock, type KernelLock } from './db/KernelLock.ts'
import { openDatabase } from './db/openDatabase.ts'
import { PanelEditRepository } from './db/PanelEditRepository.ts'
import { KernelError } from './errors.ts'
import { createApp } from './http/createApp.ts'
import { ExtensionRegistry } from './extensions/ExtensionRegistry.ts'
import { httpExtension } from './extensions/httpExtension.ts'
import { parseSqlSources, sqlExtension } from './extensions/sqlExtension.ts'
import { storageExtension } from './extensions/storageExtension.ts'
import { KernelMetrics } from './metrics.ts'
import { NogService } from './nog/NogService.ts'
import { HistoryRelay } from './panels/HistoryOutbox.ts'
import { PanelService } from './panels/PanelService.ts'
import { InFlight, shutdown, type ShutdownReport } from './shutdown.ts'
import { SyncHub } from './sync/SyncHub.ts'

export interface KernelOptions extends KernelConfig {
  clock?: () => number
  /** TriLog's chDB directory; `<dataDir>/trilog` by default. */
  trilogDir?: string
}

export interface RunningKernel {
  url: string
  port: number
  panels: PanelService
  accounts: AccountService
  nog: NogService
  metrics: KernelMetrics
  /**
   * Stops within `shutdownTimeoutMs` (plus a short grace for forced steps), cutting short whatever is still
   * pending then (see `shutdown.ts`); never rejects. Calling it again returns the same promise.
   */
  close(): Promise<void>
  /** Resolves once the kernel has closed, whoever closed it (it closes itself if it loses its database lock). */
  readonly stopped: Promise<ShutdownReport>
}

/**
 * Starts the kernel: database, TriLog, sandbox, HTTP API, WebSocket sync and the studio on one port.
 * Refuses with `DATABASE_IN_USE` when another kernel serves the same database (see `db/KernelLock.ts`).
 */
export async function startKernel(options: KernelOptions): Promise<RunningKernel> {
  // The lock comes first: a second kernel must not even migrate, or open TriLog under the same data dir.
  const lock = await acquireKernelLock(options)
  try {
    return await startLocked(options, lock)
  } catch (error) {
    await lock.release()
    throw error
  }
}

async function startLocked(options: KernelOptions, lock: KernelLock): Promise<RunningKernel> {
  const database = await openDatabase(options)
  const trilog = await TrilogStore.open(
    options.clickhouseUrl
      ? { url: options.clickhouseUrl }
      : { dataDir: options.trilogDir ?? join(options.dataDir, 'trilog') },
  )
  const sandbox = await Sandbox.create()
  const clock = options.clock ?? Date.now
  const extensions = new ExtensionRegistry()
  extensions.register(httpExtension({ allow: options.httpAllow ?? ['*'], allowPrivate: options.httpAllowPrivate }))
  extensions.register(storageExtension(database.sql, clock))
  extensions.register(sqlExtension(parseSqlSources(options.sqlSources), options))
  await extensions.start()
  const nog = new NogService({ sql: database.sql, clock: options.clock })
  const expiry = setInterval(() => void nog.expirePatches().catch((e: unknown) => console.error('[nog]', e)), 60_000)
  expiry.unref()
  // Every event is checked against Nexus's schema before it is stored: a refused one is counted, never stored.
  const telemetry = Trilog.start({
    store: trilog,
    serviceName: 'nexus-kernel',
    clock: options.clock,
    registry: nexusRegistry(),
  })
  const metrics = new KernelMetrics()
  metrics.watchTrilog(telemetry)
  const accounts = new AccountService({
    repository: new AccountRepository(database.sql),
    jwtSecret: loadJwtSecret(options.dataDir, options.jwtSecret),
    clock,
    registration: options.registration ?? 'open',
    telemetry,
  })
  const panels = new PanelService({
    metrics,
    repository: database.panels,
    edits: new PanelEditRepository(database.sql),
    sandbox,
    trilog,
    telemetry,
    nog,
    extensions,
    clock,
  })
  // Triggers taken and not yet settled (queued or running), so shutdown can let them finish and count the rest.
  const triggers = new InFlight()
  const trigger = panels.trigger.bind(panels)
  panels.trigger = (...args) =>
    triggers.track(
      trigger(...args).catch((error: unknown) => {
        // Only shutdown disposes the sandbox: the run was cut short at the deadline and nothing was applied.
        if (!(error instanceof SandboxDisposedError)) throw error
        throw new KernelError(
          'SHUTTING_DOWN',
          'The kernel shut down before this run finished; nothing was applied. Retry once it is back.',
          503,
        )
      }),
    )
  // History events are committed with each change into the outbox; the relay moves them to TriLog (and first
  // sends what a crash left behind).
  const history = new HistoryRelay({ sql: database.sql, store: trilog, metrics })
  panels.onChange(() => history.wake())
  // Each graph commit writes its `nog_change` event (with content) to the outbox in the commit's transaction.
  nog.onChange(() => history.wake())
  panels.onListChange(() => history.wake())
  history.start()
  const ready = async () => {
    await database.ping()
    const unhealthy = Object.entries(await extensions.health()).filter(([, h]) => !h.ok)
    if (unhealthy.length > 0) throw new Error(`extension ${unhealthy.map(([n, h]) => `${n}: ${h.detail}`).join('; ')}`)
  }
  const server: Server = createServer(
    createApp({
      panels,
      nog,
      trilog,
      telemetry,
      sandbox,
      accounts,
      clock,
      metrics,
      ready,
      studioDir: options.studioDir,
    }),
  )
  const hub = new SyncHub(server, panels, nog, accounts, metrics, telemetry)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, resolve)
  })
  const { port } = server.address() as AddressInfo
  const parts = {
    server,
    sockets,
    hub,
    triggers,
    panels,
    history,
    sandbox,
    extensions,
    telemetry,
    trilog,
    database,
    lock,
  }
  let stop!: (report: ShutdownReport) => void
  const stopped = new Promise<ShutdownReport>((resolve) => (stop = resolve))
  let closing: Promise<void> | undefined
  const close = () => {
    clearInterval(expiry)
    closing ??= shutdown(parts, options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS).then(stop)
    return closing
  }
  lock.onLost((error) => {
    console.error(
      `[kernel] lost the lock on ${lock.database} (${error.message}); stopping, so that no two kernels serve it`,
    )
    void close()
  })
  return {
    url: `http://${options.host}:${port}`,
    port,
    panels,
    accounts,
    nog,
    metrics,
    close,
    stopped,
  }
}

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Sandbox } from '@nexus/sandbox'
import { Trilog, TrilogStore } from '@nexus/trilog'
import { AccountRepository } from './accounts/AccountRepository.ts'
import { AccountService } from './accounts/AccountService.ts'
import { loadJwtSecret } from './accounts/secrets.ts'
import type { KernelConfig } from './config.ts'
import { openDatabase } from './db/openDatabase.ts'
import { PanelEditRepository } from './db/PanelEditRepository.ts'
import { createApp } from './http/createApp.ts'
import { ExtensionRegistry } from './extensions/ExtensionRegistry.ts'
import { httpExtension } from './extensions/httpExtension.ts'
import { parseSqlSources, sqlExtension } from './extensions/sqlExtension.ts'
import { storageExtension } from './extensions/storageExtension.ts'
import { KernelMetrics } from './metrics.ts'
import { NogService } from './nog/NogService.ts'
import { HistoryRelay } from './panels/HistoryOutbox.ts'
import { PanelService } from './panels/PanelService.ts'
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
  close(): Promise<void>
}

/** Starts the kernel: database, TriLog, sandbox, HTTP API, WebSocket sync and the studio on one port. */
export async function startKernel(options: KernelOptions): Promise<RunningKernel> {
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
  const telemetry = Trilog.start({ store: trilog, serviceName: 'nexus-kernel', clock: options.clock })
  // NOGUpdate: every committed graph change, anchored to its workspace.
  nog.onChange(({ workspaceId, version, changes }) =>
    telemetry.anchor({ type: 'Workspace', id: workspaceId }, () =>
      telemetry.event('nog_update', {
        version,
        changes: changes.map((c) => ({ op: c.op, id: 'entity' in c ? c.entity.id : c.relationship.id })),
      }),
    ),
  )
  const metrics = new KernelMetrics()
  const accounts = new AccountService({
    repository: new AccountRepository(database.sql),
    jwtSecret: loadJwtSecret(options.dataDir, options.jwtSecret),
    clock,
    registration: options.registration ?? 'open',
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
  // History events are committed with each change into the outbox; the relay moves them to TriLog (and first
  // sends what a crash left behind).
  const history = new HistoryRelay({ sql: database.sql, store: trilog, metrics })
  panels.onChange(() => history.wake())
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host}:${port}`,
    port,
    panels,
    accounts,
    nog,
    metrics,
    async close() {
      clearInterval(expiry)
      await hub.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await extensions.stop()
      await history.close()
      await telemetry.shutdown()
      await trilog.close()
      sandbox.dispose()
      await database.close()
    },
  }
}

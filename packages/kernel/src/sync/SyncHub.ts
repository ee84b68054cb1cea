import type { IncomingMessage, Server } from 'node:http'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  ClientMessageSchema,
  HelloMessageSchema,
  MAX_MESSAGE_BYTES,
  type ClientMessage,
  type KernelErrorBody,
  type JsonObject,
  type BindMessage,
  type ServerMessage,
  type TriggerAckResult,
} from '@nexus/protocol'
import { context as otelContext } from '@opentelemetry/api'
import { extractTraceMessage, type TraceCarrier, type Trilog } from '@nexus/trilog'
import type { AccountService } from '../accounts/AccountService.ts'
import { newId } from '../accounts/secrets.ts'
import { EDIT_TOOL } from '../db/PanelEditRepository.ts'
import { KernelError, describeZodError, unlessNotFound } from '../errors.ts'
import { credentialOf } from '../http/auth.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { NogService } from '../nog/NogService.ts'
import type { PanelChange, PanelService, TriggerResult } from '../panels/PanelService.ts'
import { AccessWatch } from './AccessWatch.ts'
import { principalOf, type Client } from './Client.ts'
import { MessageRate, wsRateLimitFromEnv } from './MessageRate.ts'
import { NogChannels } from './NogChannels.ts'
import { readFrame, reqIdOf } from './readFrame.ts'
import { WorkspaceChannels } from './WorkspaceChannels.ts'
import { Frame, Outbox, type Encoding } from './Outbox.ts'

/** Most changes replayed to a resuming client before a fresh snapshot is cheaper. */
const MAX_RESUME_CHANGES = 1000
/** Close code for a socket that flooded past its message budget (policy violation). */
export const CLOSE_POLICY = 1008
/** Close code for every socket when the kernel shuts down. */
export const CLOSE_GOING_AWAY = 1001
/** Refusals counted in `nexus_ws_messages_rejected_total`: messages turned away before any work. */
const REJECTION_CODES = new Set(['BAD_MESSAGE', 'MESSAGE_TOO_LARGE', 'UNAUTHENTICATED', 'RATE_LIMITED'])

/**
 * The WebSocket side of sync: bounds every frame before reading it (`MessageRate`, `readFrame`; an anonymous
 * socket may only say `hello`), answers each request with `ack` or `error`, and fans each change out to its
 * subscribers, encoded once per encoding. Slow clients get a fresh snapshot once they drain instead of an
 * unbounded queue (see `Outbox`); sockets whose user loses access are re-checked (`AccessWatch`).
 */
export class SyncHub {
  private readonly wss: WebSocketServer
  private readonly subscribers = new Map<string, Set<Client>>()
  private readonly clients = new Set<Client>()
  /** Each client's last `bind`, so its next one waits for it (see `handle`). */
  private readonly bindTails = new WeakMap<Client, Promise<void>>()
  /** Each client's last `trigger` until it has its place in the panel's queue (see `handle`). */
  private readonly triggerTails = new WeakMap<Client, Promise<void>>()
  /** Each connection's message budget (`NEXUS_WS_RATE_LIMIT`), read once. */
  private readonly rateLimit = wsRateLimitFromEnv(process.env)
  private readonly nogChannels: NogChannels
  private readonly workspaceChannels: WorkspaceChannels
  private readonly access: AccessWatch

  constructor(
    server: Server,
    private readonly panels: PanelService,
    nog: NogService,
    private readonly accounts: AccountService,
    private readonly metrics: KernelMetrics,
    private readonly telemetry: Trilog,
  ) {
    this.nogChannels = new NogChannels(nog, accounts)
    this.workspaceChannels = new WorkspaceChannels(panels, accounts)
    panels.onListChange((workspaceId, panelId) =>
      this.workspaceChannels.broadcast(workspaceId, panelId, this.subscribers.get(`workspace:${workspaceId}`) ?? []),
    )
    // Frames over the hard cap close the socket (ws code 1009); between the soft and hard caps they get an error.
    this.wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_MESSAGE_BYTES * 4 })
    this.wss.on('connection', (socket, request) => this.accept(socket, request))
    panels.onChange((change) => this.broadcast(change))
    nog.onChange((event) => this.nogChannels.broadcast(event, this.subscribers.get(`nog:${event.workspaceId}`) ?? []))
    this.access = new AccessWatch(
      accounts,
      panels,
      {
        pause: (client, channel) => this.subscribers.get(channel)?.delete(client),
        resume: async (client, channels) => {
          for (const channel of channels) this.join(client, channel)
          await this.resnapshot(client, channels)
        },
        leave: (client, channel) => this.leave(client, channel),
        fail: (client, error) => this.fail(client, undefined, error),
      },
      this.clients,
    )
    accounts.onAccessChange((change) => this.access.changed(change))
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const encoding: Encoding =
      new URL(request.url ?? '/', 'http://x').searchParams.get('encoding') === 'msgpack' ? 'msgpack' : 'json'
    // A bad cookie leaves the connection anonymous; `hello {token}` can still authenticate it.
    const credential = credentialOf(request.headers)
    const auth = this.accounts.authenticate(credential).catch(() => undefined)
    const client: Client = {
      credential,
      rate: new MessageRate(this.rateLimit),
      socket,
      outbox: new Outbox(
        socket,
        encoding,
        (channels) => this.resnapshot(client, channels).catch((e: unknown) => console.error('[sync] resnapshot:', e)),
        (frames) => this.metrics.wsFramesSent.inc(frames),
        request.socket,
      ),
      channels: new Set(),
      nogViews: new Map(),
      auth,
    }
    // WebSocketConnection events in TriLog: who connected, when, and how it ended.
    const connection = { type: 'WebSocketConnection', id: newId() }
    const log = (name: string, attrs: JsonObject) =>
      this.telemetry.anchor(connection, () => this.telemetry.event(name, attrs))
    auth
      .then((principal) => {
        client.principal ??= principal
        log('connected', { userId: client.principal?.userId ?? null, encoding })
      })
      .catch((error: unknown) => console.error('[sync] recording a connection failed:', error))
    this.clients.add(client)
    this.metrics.wsConnections.inc()
    socket.on('message', (data, isBinary) => {
      // Nothing a frame does may escape as an unhandled rejection: that would end the process.
      this.receive(client, data, isBinary).catch((error: unknown) => {
        console.error('[sync] a message failed outside its handler:', error)
        this.metrics.wsRejected.inc({ code: 'INTERNAL' })
      })
    })
    socket.on('close', (code) => {
      log('disconnected', { userId: client.principal?.userId ?? null, code })
      this.metrics.wsConnections.dec()
      client.outbox.stop()
      this.clients.delete(client)
      this.leaveAll(client)
    })
    socket.on('error', () => socket.terminate())
  }

  /**
   * Every frame from outside: a rate budget, the size cap, decoding with its own limits, then a depth and size
   * check before any schema parse (schemas recurse per level). An anonymous socket may only say `hello`.
   */
  private async receive(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const rate = client.rate.take(Date.now())
    if (rate === 'close') {
      this.metrics.wsRejected.inc({ code: 'RATE_LIMITED' })
      return client.socket.close(CLOSE_POLICY, 'Message rate limit exceeded')
    }
    if (rate > 0) {
      return this.fail(client, undefined, {
        code: 'RATE_LIMITED',
        message: `Too many messages: at most ${this.rateLimit.perSecond} a second on one connection; wait ${rate} s before sending more`,
        details: { retryAfter: rate },
      })
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    const frame = readFrame(bytes, isBinary)
    if (!frame.ok) return this.fail(client, frame.reqId, frame.error)
    const raw = frame.value
    const reqId = reqIdOf(raw)
    try {
      await client.auth
      if (!client.principal && (raw as { type?: unknown })?.type !== 'hello') {
        return this.fail(client, reqId, {
          code: 'UNAUTHENTICATED',
          message: 'Send {"type":"hello","reqId":…,"token":…} with an access token or API key first, or log in',
        })
      }
      const parsed = (client.principal ? ClientMessageSchema : HelloMessageSchema).safeParse(raw)
      if (!parsed.success) {
        return this.fail(client, reqId, { code: 'BAD_MESSAGE', message: describeZodError(parsed.error) })
      }
      // A message may carry `traceparent` (and baggage): what it causes joins the sender's trace.
      const trace = extractTraceMessage(raw as TraceCarrier)
      await otelContext.with(trace, () => this.handle(client, parsed.data))
    } catch (error) {
      if (error instanceof KernelError) return this.fail(client, reqId, error.toBody())
      this.failInternal(client, reqId, 'ws_message', 'The kernel failed to handle this message', error)
    }
  }

  private async handle(client: Client, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'hello': {
        if (message.token !== undefined) {
          const before = client.principal
          const principal = await this.accounts.authenticate(message.token)
          if (!principal)
            throw new KernelError('UNAUTHENTICATED', 'The token is empty; send an access token or API key', 401)
          Object.assign(client, { principal, credential: message.token })
          // Another user now speaks on this socket: the channels the previous one opened are re-checked for them.
          if (before && before.userId !== principal.userId) this.access.hold(client, [...client.channels])
        }
        const user = client.principal ? { ...(await this.accounts.user(client.principal.userId)) } : null
        return this.send(client, { type: 'ack', reqId: message.reqId, result: { server: 'nexus', protocol: 1, user } })
      }
      case 'ping':
        return this.send(client, { type: 'pong', reqId: message.reqId })
      case 'subscribe': {
        const { reqId, channel } = message
        await this.access.requireLiveCredential(client)
        if (channel.startsWith('workspace:')) {
          const result = await this.workspaceChannels.subscribe(client, channel)
          this.join(client, channel)
          return this.send(client, { type: 'ack', reqId, result })
        }
        if (channel.startsWith('nog:')) {
          const join = () => this.join(client, channel)
          const result = await this.nogChannels.subscribe(client, channel, message.filter, message.since, join)
          return this.send(client, { type: 'ack', reqId, result })
        }
        await this.authorise(client, channel.slice('panel:'.length), 'viewer')
        return this.subscribe(client, reqId, channel, message.since)
      }
      case 'unsubscribe':
        this.leave(client, message.channel)
        return this.send(client, { type: 'ack', reqId: message.reqId })
      case 'trigger': {
        // A client's triggers reach the panel's queue in the order it sent them: the checks before it await the
        // database (on PostgreSQL a later trigger's could answer first). Each waits for the previous one's place
        // in the queue, not for its run, so one socket still pipelines.
        const previous = this.triggerTails.get(client)
        let queued!: () => void
        this.triggerTails.set(client, new Promise<void>((resolve) => (queued = resolve)))
        let result: TriggerResult
        try {
          await previous
          await this.access.requireLiveCredential(client)
          await this.authorise(client, message.panelId, 'editor')
          const { panelId, tool, args } = message
          result = await this.panels.trigger(panelId, tool, args, client.principal!.userId, undefined, queued)
        } finally {
          queued() // also when a check refused it: the next one goes on
        }
        // `$log` lines, `$view` commands and `$emit` events go to the client that triggered the run only
        // (TriggerAckResult); the events also reach listening panels through EventDelivery.
        const ack: TriggerAckResult = { version: result.version }
        if (result.logs.length > 0) ack.logs = result.logs
        if (result.view.length > 0) ack.view = result.view
        if (result.events.length > 0) ack.events = result.events
        return this.send(client, { type: 'ack', reqId: message.reqId, result: ack })
      }
      case 'bind': {
        // A client's binds apply in the order it sent them: the checks before the panel's queue await the
        // database, which may answer a later message first (and the last value typed must win).
        const run = (this.bindTails.get(client) ?? Promise.resolve()).then(() => this.bind(client, message))
        this.bindTails.set(
          client,
          run.catch(() => undefined),
        )
        return run
      }
    }
  }

  private async bind(client: Client, message: BindMessage): Promise<void> {
    await this.access.requireLiveCredential(client)
    await this.authorise(client, message.panelId, 'editor')
    const { panelId, path, value, reqId } = message
    const result = await this.panels.bind(panelId, path, value, client.principal!.userId)
    this.send(client, { type: 'ack', reqId, result })
  }

  /** Checks the client's role on the panel's workspace, on every message: roles can change mid-connection. */
  private async authorise(client: Client, panelId: string, needed: 'viewer' | 'editor'): Promise<void> {
    const principal = principalOf(client)
    // Only a missing panel is absence (outsiders get NOT_FOUND); a failed load is a failure, answered INTERNAL.
    const panel = await unlessNotFound(this.panels.get(panelId))
    await this.accounts.requireRole(principal, panel?.workspaceId ?? null, needed)
  }

  private async subscribe(client: Client, reqId: string, channel: string, since: number | undefined): Promise<void> {
    const panelId = channel.slice('panel:'.length)
    const panel = await this.panels.get(panelId)
    const missed = since !== undefined && since <= panel.version ? panel.version - since : Infinity
    let resumed = missed <= MAX_RESUME_CHANGES
    // Read the log up to the live version, then join in the same tick as the last check, so nothing
    // committed meanwhile is missed or sent twice.
    let sent = since ?? 0
    while (resumed && sent < panel.version) {
      const changes = await this.panels.changesSince(panelId, sent, MAX_RESUME_CHANGES)
      if (changes.length === 0) break
      // An NXML edit while the client was away: its view is stale, patches are not enough.
      if (changes.some((c) => c.tool === EDIT_TOOL && c.version <= panel.version)) resumed = false
      for (const change of resumed ? changes : []) {
        if (change.version > panel.version) break
        this.send(client, { type: 'patch', channel, version: change.version, ops: change.ops })
        sent = change.version
      }
    }
    if (!resumed) this.sendPanelSnapshot(client, channel)
    this.join(client, channel)
    this.send(client, { type: 'ack', reqId, result: { version: panel.version } })
  }

  private sendPanelSnapshot(client: Client, channel: string): void {
    const frame = this.snapshotFrame(channel)
    if (frame) client.outbox.send(frame)
  }

  /**
   * After the client drained (or an access re-check let it back in): a fresh snapshot of every channel whose
   * patches it missed. A snapshot that cannot be read is logged, counted and told to the client as an `error`
   * naming the channel (it must subscribe again), never left waiting; the other channels still get theirs.
   */
  private async resnapshot(client: Client, channels: string[]): Promise<void> {
    for (const channel of channels) {
      // Not subscribed any more, or held back while an access change is re-checked.
      if (!client.channels.has(channel) || !this.subscribers.get(channel)?.has(client)) continue
      try {
        if (channel.startsWith('panel:')) this.sendPanelSnapshot(client, channel)
        if (channel.startsWith('workspace:')) await this.workspaceChannels.snapshot(client, channel)
        const view = client.nogViews.get(channel)
        if (view) await this.nogChannels.snapshot(client, channel, view.matches)
      } catch (error) {
        const message = `The kernel could not send a fresh snapshot of ${channel}; subscribe to it again`
        this.failInternal(client, undefined, 'snapshot', message, error, { channel })
      }
    }
  }

  /** An unexpected failure: logged with its cause, counted, and answered `INTERNAL` (with `reqId` if any). */
  private failInternal(
    client: Client,
    reqId: string | undefined,
    where: 'ws_message' | 'snapshot',
    message: string,
    error: unknown,
    details?: JsonObject,
  ): void {
    console.error(`[sync] ${where} failed:`, error)
    this.metrics.kernelFailures.inc({ where })
    this.fail(client, reqId, details ? { code: 'INTERNAL', message, details } : { code: 'INTERNAL', message })
  }

  private leave(client: Client, channel: string): void {
    client.channels.delete(channel)
    client.nogViews.delete(channel)
    this.subscribers.get(channel)?.delete(client)
  }

  private leaveAll(client: Client): void {
    for (const channel of client.channels) this.subscribers.get(channel)?.delete(client)
  }

  private join(client: Client, channel: string): void {
    client.channels.add(channel)
    let set = this.subscribers.get(channel)
    if (!set) this.subscribers.set(channel, (set = new Set()))
    set.add(client)
  }

  private broadcast(change: PanelChange): void {
    const channel = `panel:${change.panelId}`
    const clients = this.subscribers.get(channel)
    if (!clients || clients.size === 0) return
    if (change.kind === 'reset') {
      // After an NXML edit the view itself changed: everyone starts again from a snapshot.
      const frame = this.snapshotFrame(channel)
      if (!frame) return
      for (const client of clients) {
        client.outbox.behind.delete(channel)
        client.outbox.send(frame)
      }
      return
    }
    const frame = new Frame({ type: 'patch', channel, version: change.version, ops: change.ops })
    for (const client of clients) client.outbox.sendPatch(channel, frame)
  }

  private snapshotFrame(channel: string): Frame | undefined {
    const panel = this.panels.cached(channel.slice('panel:'.length))
    if (!panel) return undefined
    const { id, nxml, state, version } = panel
    return new Frame({ type: 'snapshot', channel, version, panel: { id, nxml, state, version } })
  }

  private fail(client: Client, reqId: string | undefined, error: KernelErrorBody): void {
    if (REJECTION_CODES.has(error.code)) this.metrics.wsRejected.inc({ code: error.code })
    this.send(client, reqId === undefined ? { type: 'error', error } : { type: 'error', reqId, error })
  }

  private send(client: Client, message: ServerMessage): void {
    client.outbox.send(new Frame(message))
  }

  /**
   * Stops accepting sockets and tells every client the server is going away (1001), so it reconnects to the
   * next kernel: how many were told, and a promise of them all closed. Those that never answer the close are
   * ended by `terminate()` (the kernel's shutdown deadline).
   */
  close(): { clients: number; closed: Promise<void> } {
    const sockets = [...this.wss.clients]
    this.wss.close()
    const closed = sockets.map((socket) =>
      socket.readyState === socket.CLOSED ? undefined : new Promise((resolve) => socket.once('close', resolve)),
    )
    for (const socket of sockets) socket.close(CLOSE_GOING_AWAY, 'The server is shutting down; reconnect shortly')
    return { clients: sockets.length, closed: Promise.all(closed).then(() => undefined) }
  }

  /** Ends every socket still open at once; returns how many there were. */
  terminate(): number {
    const open = [...this.wss.clients]
    for (const socket of open) socket.terminate()
    return open.length
  }
}

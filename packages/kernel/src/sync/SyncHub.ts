import type { IncomingMessage, Server } from 'node:http'
import { decode } from '@msgpack/msgpack'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  ClientMessageSchema,
  MAX_MESSAGE_BYTES,
  type ClientMessage,
  type ErrorBody,
  type JsonObject,
  type ServerMessage,
} from '@nexus/protocol'
import { context as otelContext } from '@opentelemetry/api'
import { extractTraceMessage, type TraceCarrier, type Trilog } from '@nexus/trilog'
import type { AccountService } from '../accounts/AccountService.ts'
import { newId } from '../accounts/secrets.ts'
import { EDIT_TOOL } from '../db/PanelEditRepository.ts'
import { KernelError, describeZodError } from '../errors.ts'
import { credentialOf } from '../http/auth.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { NogService } from '../nog/NogService.ts'
import type { PanelChange, PanelService } from '../panels/PanelService.ts'
import { principalOf, type Client } from './Client.ts'
import { NogChannels } from './NogChannels.ts'
import { WorkspaceChannels } from './WorkspaceChannels.ts'
import { Frame, Outbox, type Encoding } from './Outbox.ts'

/** Most changes replayed to a resuming client before a fresh snapshot is cheaper. */
const MAX_RESUME_CHANGES = 1000

/**
 * The WebSocket side of sync: validates every frame (JSON text or MessagePack binary), answers each request
 * with `ack` or `error`, and fans each change out to its subscribers, encoded once per encoding. Slow
 * clients get a fresh snapshot once they drain instead of an unbounded queue (see `Outbox`).
 */
export class SyncHub {
  private readonly wss: WebSocketServer
  private readonly subscribers = new Map<string, Set<Client>>()
  private readonly nogChannels: NogChannels
  private readonly workspaceChannels: WorkspaceChannels

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
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const encoding: Encoding =
      new URL(request.url ?? '/', 'http://x').searchParams.get('encoding') === 'msgpack' ? 'msgpack' : 'json'
    // A bad cookie leaves the connection anonymous; `hello {token}` can still authenticate it.
    const auth = this.accounts.authenticate(credentialOf(request.headers)).catch(() => undefined)
    const client: Client = {
      socket,
      outbox: new Outbox(
        socket,
        encoding,
        (channels) => void this.resnapshot(client, channels),
        () => this.metrics.wsFramesSent.inc(),
      ),
      channels: new Set(),
      nogViews: new Map(),
      auth,
    }
    // WebSocketConnection events in TriLog: who connected, when, and how it ended.
    const connection = { type: 'WebSocketConnection', id: newId() }
    const log = (name: string, attrs: JsonObject) =>
      this.telemetry.anchor(connection, () => this.telemetry.event(name, attrs))
    void auth.then((principal) => {
      client.principal ??= principal
      log('connected', { userId: client.principal?.userId ?? null, encoding })
    })
    this.metrics.wsConnections.inc()
    socket.on('message', (data, isBinary) => void this.receive(client, data, isBinary))
    socket.on('close', (code) => {
      log('disconnected', { userId: client.principal?.userId ?? null, code })
      this.metrics.wsConnections.dec()
      client.outbox.stop()
      for (const channel of client.channels) this.subscribers.get(channel)?.delete(client)
    })
    socket.on('error', () => socket.terminate())
  }

  private async receive(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    if (bytes.byteLength > MAX_MESSAGE_BYTES) {
      return this.fail(client, undefined, {
        code: 'MESSAGE_TOO_LARGE',
        message: `Messages are limited to ${MAX_MESSAGE_BYTES} bytes; this one had ${bytes.byteLength}`,
      })
    }
    let raw: unknown
    try {
      raw = isBinary ? decode(bytes) : JSON.parse(bytes.toString())
    } catch {
      const what = isBinary ? 'valid MessagePack' : 'valid JSON'
      return this.fail(client, undefined, { code: 'BAD_MESSAGE', message: `The message is not ${what}` })
    }
    const parsed = ClientMessageSchema.safeParse(raw)
    if (!parsed.success) {
      const reqId =
        typeof (raw as { reqId?: unknown })?.reqId === 'string' ? (raw as { reqId: string }).reqId : undefined
      return this.fail(client, reqId, { code: 'BAD_MESSAGE', message: describeZodError(parsed.error) })
    }
    try {
      await client.auth
      // A message may carry `traceparent` (and baggage): what it causes joins the sender's trace.
      const trace = extractTraceMessage(raw as TraceCarrier)
      await otelContext.with(trace, () => this.handle(client, parsed.data))
    } catch (error) {
      if (!(error instanceof KernelError)) console.error('[sync]', error)
      const body =
        error instanceof KernelError
          ? error.toBody()
          : { code: 'INTERNAL', message: 'The kernel failed to handle this message' }
      this.fail(client, parsed.data.reqId, body)
    }
  }

  private async handle(client: Client, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'hello': {
        if (message.token !== undefined) client.principal = await this.accounts.authenticate(message.token)
        const user = client.principal ? { ...(await this.accounts.user(client.principal.userId)) } : null
        return this.send(client, { type: 'ack', reqId: message.reqId, result: { server: 'nexus', protocol: 1, user } })
      }
      case 'ping':
        return this.send(client, { type: 'pong', reqId: message.reqId })
      case 'subscribe': {
        const { reqId, channel } = message
        if (channel.startsWith('workspace:')) {
          const result = await this.workspaceChannels.subscribe(client, channel)
          this.join(client, channel)
          return this.send(client, { type: 'ack', reqId, result })
        }
        if (channel.startsWith('nog:')) {
          const result = await this.nogChannels.subscribe(client, channel, message.filter)
          this.join(client, channel)
          return this.send(client, { type: 'ack', reqId, result })
        }
        await this.authorise(client, channel.slice('panel:'.length), 'viewer')
        return this.subscribe(client, reqId, channel, message.since)
      }
      case 'unsubscribe':
        client.channels.delete(message.channel)
        client.nogViews.delete(message.channel)
        this.subscribers.get(message.channel)?.delete(client)
        return this.send(client, { type: 'ack', reqId: message.reqId })
      case 'trigger': {
        await this.authorise(client, message.panelId, 'editor')
        const result = await this.panels.trigger(message.panelId, message.tool, message.args, client.principal!.userId)
        return this.send(client, { type: 'ack', reqId: message.reqId, result: { version: result.version } })
      }
    }
  }

  /** Checks the client's role on the panel's workspace, on every message: roles can change mid-connection. */
  private async authorise(client: Client, panelId: string, needed: 'viewer' | 'editor'): Promise<void> {
    const principal = principalOf(client)
    const panel = await this.panels.get(panelId).catch(() => undefined)
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

  /** After the client drained: a fresh snapshot of every channel whose patches it missed. */
  private async resnapshot(client: Client, channels: string[]): Promise<void> {
    for (const channel of channels) {
      if (!client.channels.has(channel)) continue
      if (channel.startsWith('panel:')) this.sendPanelSnapshot(client, channel)
      if (channel.startsWith('workspace:'))
        await this.workspaceChannels.snapshot(client, channel).catch(() => undefined)
      const view = client.nogViews.get(channel)
      if (view) await this.nogChannels.snapshot(client, channel, view.matches).catch(() => undefined)
    }
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

  private fail(client: Client, reqId: string | undefined, error: ErrorBody): void {
    if (error.code === 'BAD_MESSAGE' || error.code === 'MESSAGE_TOO_LARGE')
      this.metrics.wsRejected.inc({ code: error.code })
    this.send(client, reqId === undefined ? { type: 'error', error } : { type: 'error', reqId, error })
  }

  private send(client: Client, message: ServerMessage): void {
    client.outbox.send(new Frame(message))
  }

  close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }
}

import type { IncomingMessage, Server } from 'node:http'
import { decode } from '@msgpack/msgpack'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  ClientMessageSchema,
  HelloMessageSchema,
  MAX_JSON_NODES,
  MAX_MESSAGE_BYTES,
  jsonTextDepthProblem,
  valueShapeProblem,
  type ClientMessage,
  type ErrorBody,
  type JsonObject,
  type ServerMessage,
} from '@nexus/protocol'
import { context as otelContext } from '@opentelemetry/api'
import { extractTraceMessage, type TraceCarrier, type Trilog } from '@nexus/trilog'
import type { AccessChange, AccountService } from '../accounts/AccountService.ts'
import { newId } from '../accounts/secrets.ts'
import { EDIT_TOOL } from '../db/PanelEditRepository.ts'
import { KernelError, describeZodError } from '../errors.ts'
import { credentialOf } from '../http/auth.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { NogService } from '../nog/NogService.ts'
import type { PanelChange, PanelService } from '../panels/PanelService.ts'
import type { Principal } from '../accounts/AccountService.ts'
import { principalOf, type Client } from './Client.ts'
import { credentialStands } from './credentialCheck.ts'
import { MessageRate, wsRateLimitFromEnv } from './MessageRate.ts'
import { NogChannels } from './NogChannels.ts'
import { WorkspaceChannels } from './WorkspaceChannels.ts'
import { Frame, Outbox, type Encoding } from './Outbox.ts'

/** Most changes replayed to a resuming client before a fresh snapshot is cheaper. */
const MAX_RESUME_CHANGES = 1000
/** Close codes: the session or key behind the socket ended; the client flooded past its message budget. */
export const CLOSE_SESSION_ENDED = 4401
export const CLOSE_POLICY = 1008
const SESSION_ENDED = 'Your session ended or your API key was revoked; log in again (or use a valid key) and reconnect'
/** Refusals counted in `nexus_ws_messages_rejected_total`: messages turned away before any work. */
const REJECTION_CODES = new Set(['BAD_MESSAGE', 'MESSAGE_TOO_LARGE', 'UNAUTHENTICATED', 'RATE_LIMITED'])
/** MessagePack: no string, binary, array or map larger than a frame could honestly carry. */
const MSGPACK_LIMITS = {
  maxStrLength: MAX_MESSAGE_BYTES,
  maxBinLength: MAX_MESSAGE_BYTES,
  maxArrayLength: MAX_JSON_NODES,
  maxMapLength: MAX_JSON_NODES,
  maxExtLength: 0,
}

/**
 * The WebSocket side of sync: validates every frame (JSON text or MessagePack binary), answers each request
 * with `ack` or `error`, and fans each change out to its subscribers, encoded once per encoding. Slow
 * clients get a fresh snapshot once they drain instead of an unbounded queue (see `Outbox`).
 */
export class SyncHub {
  private readonly wss: WebSocketServer
  private readonly subscribers = new Map<string, Set<Client>>()
  private readonly clients = new Set<Client>()
  /** Each connection's message budget (`NEXUS_WS_RATE_LIMIT`), read once. */
  private readonly rateLimit = wsRateLimitFromEnv(process.env)
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
    accounts.onAccessChange((change) => this.accessChanged(change))
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
    if (bytes.byteLength > MAX_MESSAGE_BYTES) {
      return this.fail(client, undefined, {
        code: 'MESSAGE_TOO_LARGE',
        message: `Messages are limited to ${MAX_MESSAGE_BYTES} bytes; this one had ${bytes.byteLength}`,
      })
    }
    let raw: unknown
    try {
      const tooDeep = isBinary ? undefined : jsonTextDepthProblem(bytes)
      if (tooDeep) return this.fail(client, undefined, { code: 'BAD_MESSAGE', message: tooDeep })
      raw = isBinary ? decode(bytes, MSGPACK_LIMITS) : JSON.parse(bytes.toString())
    } catch (error) {
      const what = isBinary ? 'valid MessagePack' : 'valid JSON'
      const limit = error instanceof RangeError ? ` (${error.message})` : ''
      return this.fail(client, undefined, { code: 'BAD_MESSAGE', message: `The message is not ${what}${limit}` })
    }
    const reqId = reqIdOf(raw)
    const shape = valueShapeProblem(raw)
    if (shape) return this.fail(client, reqId, { code: 'BAD_MESSAGE', message: shape })
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
      if (!(error instanceof KernelError)) console.error('[sync]', error)
      const body =
        error instanceof KernelError
          ? error.toBody()
          : { code: 'INTERNAL', message: 'The kernel failed to handle this message' }
      this.fail(client, reqId, body)
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
          if (before && before.userId !== principal.userId) this.hold(client, [...client.channels])
        }
        const user = client.principal ? { ...(await this.accounts.user(client.principal.userId)) } : null
        return this.send(client, { type: 'ack', reqId: message.reqId, result: { server: 'nexus', protocol: 1, user } })
      }
      case 'ping':
        return this.send(client, { type: 'pong', reqId: message.reqId })
      case 'subscribe': {
        const { reqId, channel } = message
        await this.requireLiveCredential(client)
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
        this.leave(client, message.channel)
        return this.send(client, { type: 'ack', reqId: message.reqId })
      case 'trigger': {
        await this.requireLiveCredential(client)
        await this.authorise(client, message.panelId, 'editor')
        const result = await this.panels.trigger(message.panelId, message.tool, message.args, client.principal!.userId)
        return this.send(client, { type: 'ack', reqId: message.reqId, result: { version: result.version } })
      }
    }
  }

  /**
   * Refuses a message from a socket whose key was revoked or session ended, even when the access change was
   * missed or its re-check is still running: the error, then close 4401.
   */
  private async requireLiveCredential(client: Client): Promise<void> {
    const { principal, credential } = client
    if (!principal || credential === undefined) return
    if (await credentialStands(this.accounts, principal, credential)) return
    this.endSession(client)
    throw new KernelError('UNAUTHENTICATED', SESSION_ENDED, 401)
  }

  /** Tells the client its session or key ended, and closes the socket with 4401. */
  private endSession(client: Client): void {
    this.fail(client, undefined, { code: 'UNAUTHENTICATED', message: SESSION_ENDED })
    client.socket.close(CLOSE_SESSION_ENDED, 'Session ended')
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
      // Not subscribed any more, or held back while an access change is re-checked.
      if (!client.channels.has(channel) || !this.subscribers.get(channel)?.has(client)) continue
      if (channel.startsWith('panel:')) this.sendPanelSnapshot(client, channel)
      if (channel.startsWith('workspace:'))
        await this.workspaceChannels.snapshot(client, channel).catch(() => undefined)
      const view = client.nogViews.get(channel)
      if (view) await this.nogChannels.snapshot(client, channel, view.matches).catch(() => undefined)
    }
  }

  private leave(client: Client, channel: string): void {
    client.channels.delete(channel)
    client.nogViews.delete(channel)
    this.subscribers.get(channel)?.delete(client)
  }

  private leaveAll(client: Client): void {
    for (const channel of client.channels) this.subscribers.get(channel)?.delete(client)
  }

  /**
   * Access may have ended for `change.userId`: a membership, a key or sessions. Their sockets stop receiving
   * at once (in this tick, before any further broadcast), then each is checked again: a credential that no
   * longer authenticates closes the socket with 4401; a channel the user may no longer see is dropped with an
   * error naming it; what is still allowed resumes from a fresh snapshot, so nothing sent meanwhile is missed.
   */
  private accessChanged(change: AccessChange): void {
    for (const client of this.clients) {
      if (client.principal?.userId !== change.userId) continue
      const affected = [...client.channels].filter(
        (channel) => change.reason !== 'membership' || this.workspaceOfChannel(channel) === change.workspaceId,
      )
      if (affected.length === 0 && change.reason === 'membership') continue
      this.hold(client, affected)
    }
  }

  /** Stops `channels` for the client in this tick, then re-checks its credential and each of them. */
  private hold(client: Client, channels: string[]): void {
    for (const channel of channels) this.subscribers.get(channel)?.delete(client)
    this.recheck(client, channels).catch((error: unknown) => {
      console.error('[sync] could not re-check a socket after an access change; closing it:', error)
      client.socket.close(CLOSE_SESSION_ENDED, 'Access could not be confirmed; reconnect')
    })
  }

  private async recheck(client: Client, channels: string[]): Promise<void> {
    const principal = client.principal
    if (!principal) return
    if (client.credential !== undefined && !(await credentialStands(this.accounts, principal, client.credential))) {
      return this.endSession(client)
    }
    const kept: string[] = []
    for (const channel of channels) {
      if (!client.channels.has(channel)) continue
      try {
        await this.requireChannel(principal, channel)
        kept.push(channel)
      } catch (error) {
        if (!(error instanceof KernelError)) throw error
        this.leave(client, channel)
        this.fail(client, undefined, {
          code: error.code,
          message: `You can no longer see ${channel}: ${error.message}`,
          details: { channel },
        })
      }
    }
    for (const channel of kept) this.join(client, channel)
    await this.resnapshot(client, kept)
  }

  /** Throws unless `principal` may view `channel` now. */
  private async requireChannel(principal: Principal, channel: string): Promise<void> {
    if (channel.startsWith('panel:')) {
      const panel = await this.panels.get(channel.slice('panel:'.length)).catch((error: unknown) => {
        if (error instanceof KernelError && error.code === 'NOT_FOUND') return undefined
        throw error
      })
      await this.accounts.requireRole(principal, panel?.workspaceId ?? null, 'viewer')
      return
    }
    await this.accounts.requireRole(principal, this.workspaceOfChannel(channel) ?? null, 'viewer')
  }

  /** The workspace a channel belongs to (a panel's from the cache, which holds every subscribed panel). */
  private workspaceOfChannel(channel: string): string | undefined {
    const colon = channel.indexOf(':')
    const kind = channel.slice(0, colon)
    const id = channel.slice(colon + 1)
    if (kind === 'panel') return this.panels.cached(id)?.workspaceId ?? undefined
    return id
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
    if (REJECTION_CODES.has(error.code)) this.metrics.wsRejected.inc({ code: error.code })
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

function reqIdOf(raw: unknown): string | undefined {
  const reqId = (raw as { reqId?: unknown } | null)?.reqId
  return typeof reqId === 'string' && reqId.length <= 128 ? reqId : undefined
}

import { randomBytes } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { Trilog } from '@nexus/trilog'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  ClientMessageSchema,
  MAX_MESSAGE_BYTES,
  type ClientMessage,
  type ErrorBody,
  type JsonObject,
  type PatchOp,
  escapePointer,
  type ServerMessage,
} from '@nexus/protocol'
import type { AccountService, Principal } from '../accounts/AccountService.ts'
import { EDIT_TOOL } from '../db/PanelEditRepository.ts'
import { compileFilter, type EntityPredicate } from '../nog/filter.ts'
import type { NogService } from '../nog/NogService.ts'
import type { NogChangeEvent } from '../nog/types.ts'
import { KernelError, describeZodError } from '../errors.ts'
import { credentialOf } from '../http/auth.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { PanelChange, PanelService } from '../panels/PanelService.ts'

/** Most entities in one graph snapshot; narrow the filter for more. */
const MAX_NOG_SNAPSHOT = 10_000
/** Most changes replayed to a resuming client before a fresh snapshot is cheaper. */
const MAX_RESUME_CHANGES = 1000
/** Bytes queued to one socket before it is treated as too slow and asked to reconnect. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** What one client sees of a workspace graph: its filter and the entity ids it holds. */
interface NogView {
  matches: EntityPredicate
  ids: Set<string>
}

interface Client {
  socket: WebSocket
  channels: Set<string>
  nogViews: Map<string, NogView>
  /** Settles once the upgrade request's credential (cookie or header) is checked. */
  auth: Promise<Principal | undefined>
  principal?: Principal
}

/**
 * The WebSocket side of sync: validates every frame, answers each request with `ack` or `error`,
 * and fans each panel change out to its subscribers, serialised once per change.
 */
export class SyncHub {
  private readonly wss: WebSocketServer
  private readonly subscribers = new Map<string, Set<Client>>()

  constructor(
    server: Server,
    private readonly panels: PanelService,
    private readonly nog: NogService,
    private readonly accounts: AccountService,
    private readonly metrics: KernelMetrics,
    private readonly telemetry: Trilog,
  ) {
    // Frames over the hard cap close the socket (ws code 1009); between the soft and hard caps they get an error.
    this.wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_MESSAGE_BYTES * 4 })
    this.wss.on('connection', (socket, request) => this.accept(socket, request))
    panels.onChange((change) => this.broadcast(change))
    nog.onChange((event) => this.broadcastNog(event))
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    // A bad cookie leaves the connection anonymous; `hello {token}` can still authenticate it.
    const auth = this.accounts.authenticate(credentialOf(request.headers)).catch(() => undefined)
    const client: Client = { socket, channels: new Set(), nogViews: new Map(), auth }
    // WebSocketConnection events in TriLog: who connected, when, and how it ended.
    const connection = { type: 'WebSocketConnection', id: randomBytes(9).toString('base64url') }
    const log = (name: string, attrs: JsonObject) =>
      this.telemetry.anchor(connection, () => this.telemetry.event(name, attrs))
    void auth.then((principal) => {
      client.principal ??= principal
      log('connected', { userId: client.principal?.userId ?? null })
    })
    this.metrics.wsConnections.inc()
    socket.on('message', (data, isBinary) => {
      void this.receive(client, data, isBinary)
    })
    socket.on('close', (code) => {
      log('disconnected', { userId: client.principal?.userId ?? null, code })
      this.metrics.wsConnections.dec()
      for (const channel of client.channels) this.subscribers.get(channel)?.delete(client)
    })
    socket.on('error', () => socket.terminate())
  }

  private async receive(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength
    if (size > MAX_MESSAGE_BYTES) {
      return this.fail(client, undefined, {
        code: 'MESSAGE_TOO_LARGE',
        message: `Messages are limited to ${MAX_MESSAGE_BYTES} bytes; this one had ${size}`,
      })
    }
    if (isBinary) {
      return this.fail(client, undefined, { code: 'BAD_MESSAGE', message: 'Send JSON text frames' })
    }
    let raw: unknown
    try {
      raw = JSON.parse(data.toString())
    } catch {
      return this.fail(client, undefined, { code: 'BAD_MESSAGE', message: 'The message is not valid JSON' })
    }
    const parsed = ClientMessageSchema.safeParse(raw)
    if (!parsed.success) {
      const reqId =
        typeof (raw as { reqId?: unknown })?.reqId === 'string' ? (raw as { reqId: string }).reqId : undefined
      return this.fail(client, reqId, { code: 'BAD_MESSAGE', message: describeZodError(parsed.error) })
    }
    try {
      await client.auth
      await this.handle(client, parsed.data)
    } catch (error) {
      const body =
        error instanceof KernelError
          ? error.toBody()
          : { code: 'INTERNAL', message: 'The kernel failed to handle this message' }
      if (!(error instanceof KernelError)) console.error('[sync]', error)
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
      case 'subscribe':
        if (message.channel.startsWith('nog:'))
          return this.subscribeNog(client, message.reqId, message.channel, message.filter)
        await this.authorise(client, message.channel.slice('panel:'.length), 'viewer')
        return this.subscribe(client, message.reqId, message.channel, message.since)
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
    if (!client.principal) {
      throw new KernelError('UNAUTHENTICATED', 'Log in first, or send {"type":"hello","token":…}', 401)
    }
    const panel = await this.panels.get(panelId).catch(() => undefined)
    await this.accounts.requireRole(client.principal, panel?.workspaceId ?? null, needed)
  }

  private async subscribe(client: Client, reqId: string, channel: string, since: number | undefined): Promise<void> {
    const panelId = channel.slice('panel:'.length)
    const panel = await this.panels.get(panelId)
    const missed = since !== undefined && since <= panel.version ? panel.version - since : Infinity
    if (missed <= MAX_RESUME_CHANGES) {
      // Read the log up to the live version, then subscribe in the same tick as the last check, so
      // nothing committed meanwhile is missed or sent twice.
      let sent = since ?? 0
      while (sent < panel.version) {
        const changes = await this.panels.changesSince(panelId, sent, MAX_RESUME_CHANGES)
        if (changes.length === 0) break
        if (changes.some((c) => c.tool === EDIT_TOOL && c.version <= panel.version)) {
          // The NXML changed while the client was away: its view is stale, patches are not enough.
          const { id, nxml, state, version } = panel
          this.send(client, { type: 'snapshot', channel, version, panel: { id, nxml, state, version } })
          break
        }
        for (const change of changes) {
          if (change.version > panel.version) break
          this.send(client, { type: 'patch', channel, version: change.version, ops: change.ops })
          sent = change.version
        }
      }
    } else {
      const { id, nxml, state, version } = panel
      this.send(client, { type: 'snapshot', channel, version, panel: { id, nxml, state, version } })
    }
    this.join(client, channel)
    this.send(client, { type: 'ack', reqId, result: { version: panel.version } })
  }

  /** A workspace graph channel: a snapshot of the matching entities, then add/remove patches as they change. */
  private async subscribeNog(client: Client, reqId: string, channel: string, filter: unknown): Promise<void> {
    if (!client.principal)
      throw new KernelError('UNAUTHENTICATED', 'Log in first, or send {"type":"hello","token":…}', 401)
    const workspaceId = channel.slice('nog:'.length)
    await this.accounts.requireRole(client.principal, workspaceId, 'viewer')
    const compiled = compileFilter(filter ?? {})
    if (!compiled.ok) throw new KernelError('BAD_FILTER', compiled.error, 400)
    // Read until no change landed between the version and the entities, then join in that same tick,
    // so the next change the client sees is exactly the one after its snapshot.
    let version = -1
    let entities: JsonObject = {}
    for (let attempt = 0; ; attempt++) {
      version = (await this.nog.summary(workspaceId)).version
      entities = {}
      for (const entity of await this.nog.findEntities(workspaceId, {
        filter: compiled.value,
        limit: MAX_NOG_SNAPSHOT,
      })) {
        entities[entity.id] = entity as unknown as JsonObject
      }
      if ((await this.nog.summary(workspaceId)).version === version || attempt === 5) break
    }
    client.nogViews.set(channel, { matches: compiled.value, ids: new Set(Object.keys(entities)) })
    this.join(client, channel)
    this.send(client, { type: 'snapshot', channel, version, entities })
    this.send(client, { type: 'ack', reqId, result: { version, entities: Object.keys(entities).length } })
  }

  private broadcastNog(event: NogChangeEvent): void {
    const channel = `nog:${event.workspaceId}`
    const clients = this.subscribers.get(channel)
    if (!clients) return
    for (const client of clients) {
      const view = client.nogViews.get(channel)
      if (!view) continue
      const ops: PatchOp[] = []
      for (const change of event.changes) {
        if (!('entity' in change)) continue
        const { entity } = change
        const path = `/${escapePointer(entity.id)}`
        const keep = change.op !== 'delete' && view.matches(entity)
        if (keep) {
          ops.push({ op: 'add', path, value: entity as unknown as JsonObject })
          view.ids.add(entity.id)
        } else if (view.ids.delete(entity.id)) {
          ops.push({ op: 'remove', path })
        }
      }
      if (ops.length > 0) this.send(client, { type: 'patch', channel, version: event.version, ops })
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
    const frame =
      change.kind === 'patch' ? this.patchFrame(channel, change) : this.snapshotFrame(channel, change.panelId)
    if (frame) for (const client of clients) this.sendRaw(client, frame)
  }

  private patchFrame(channel: string, change: PanelChange): string {
    return JSON.stringify({ type: 'patch', channel, version: change.version, ops: change.ops })
  }

  /** After an NXML edit the view itself changed: everyone starts again from a snapshot. */
  private snapshotFrame(channel: string, panelId: string): string | undefined {
    const panel = this.panels.cached(panelId)
    if (!panel) return undefined
    const { id, nxml, state, version } = panel
    return JSON.stringify({ type: 'snapshot', channel, version, panel: { id, nxml, state, version } })
  }

  private fail(client: Client, reqId: string | undefined, error: ErrorBody): void {
    if (error.code === 'BAD_MESSAGE' || error.code === 'MESSAGE_TOO_LARGE')
      this.metrics.wsRejected.inc({ code: error.code })
    this.send(client, reqId === undefined ? { type: 'error', error } : { type: 'error', reqId, error })
  }

  private send(client: Client, message: ServerMessage): void {
    this.sendRaw(client, JSON.stringify(message))
  }

  private sendRaw(client: Client, frame: string): void {
    if (client.socket.readyState !== client.socket.OPEN) return
    if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // A client this far behind resumes from its last version after reconnecting.
      client.socket.close(1013, 'too far behind; reconnect and resume')
      return
    }
    client.socket.send(frame)
    this.metrics.wsFramesSent.inc()
  }

  close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }
}

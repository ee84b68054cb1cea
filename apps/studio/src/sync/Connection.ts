import { ServerMessageSchema, type ErrorBody, type Json, type JsonObject, type ServerMessage } from '@nexus/protocol'
import { refreshSession } from '../api.ts'

export type ConnectionStatus = 'connecting' | 'open' | 'closed'

type Pending = { resolve: (result: Json | undefined) => void; reject: (error: ErrorBody) => void }

/**
 * The studio's one WebSocket to the kernel: requests with `reqId` resolved by `ack`/`error`, server pushes
 * to `onMessage`, and reconnection with back-off. After a reconnect `onReopen` runs so views can resubscribe.
 */
export class Connection {
  private socket: WebSocket | undefined
  private readonly pending = new Map<string, Pending>()
  private nextId = 1
  private retry = 0
  private stopped = false
  private readonly openListeners = new Set<() => void>()
  private readonly messageListeners = new Set<(message: ServerMessage) => void>()
  private readonly problemListeners = new Set<(problem: string) => void>()

  constructor(
    private readonly url: string,
    private readonly onStatus: (status: ConnectionStatus) => void,
  ) {
    this.connect()
  }

  private connect(): void {
    this.onStatus('connecting')
    const socket = new WebSocket(this.url)
    this.socket = socket
    socket.onopen = () => {
      this.retry = 0
      this.onStatus('open')
      for (const listener of this.openListeners) listener()
    }
    socket.onmessage = (event) => this.receive(String(event.data))
    socket.onclose = () => {
      for (const p of this.pending.values())
        p.reject({ code: 'DISCONNECTED', message: 'The connection to the kernel dropped' })
      this.pending.clear()
      if (this.stopped) return
      this.onStatus('closed')
      const delay = Math.min(5000, 250 * 2 ** this.retry++)
      // The access cookie may have expired while we were away: refresh it before the upgrade request.
      setTimeout(() => void refreshSession().finally(() => this.stopped || this.connect()), delay)
    }
  }

  private receive(text: string): void {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return this.malformed('it is not JSON', text)
    }
    const parsed = ServerMessageSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const problem = issue ? `at ${issue.path.map(String).join('.') || 'the top'}: ${issue.message}` : 'no detail'
      return this.malformed(problem, text, (json as { reqId?: unknown } | null)?.reqId)
    }
    const message = parsed.data
    if ((message.type === 'ack' || message.type === 'error' || message.type === 'pong') && message.reqId) {
      const pending = this.pending.get(message.reqId)
      this.pending.delete(message.reqId)
      if (message.type === 'error') pending?.reject(message.error)
      else pending?.resolve(message.type === 'ack' ? message.result : undefined)
    }
    for (const listener of this.messageListeners) listener(message)
  }

  /**
   * A server message that does not match the protocol is not dropped silently: it is logged and reported to
   * `onProblem` listeners (the studio shows a notice); a request it answers fails with `BAD_RESPONSE`.
   */
  private malformed(problem: string, text: string, reqId?: unknown): void {
    const description = `The kernel sent a message this studio cannot read (${problem}); live updates may be stale — reload the page`
    console.error('[sync]', description, text.slice(0, 200))
    const pending = typeof reqId === 'string' ? this.pending.get(reqId) : undefined
    if (pending) {
      this.pending.delete(reqId as string)
      pending.reject({ code: 'BAD_RESPONSE', message: description })
    }
    for (const listener of this.problemListeners) listener(description)
  }

  /** Hears about server messages that could not be read (see `malformed`). */
  onProblem(listener: (problem: string) => void): () => void {
    this.problemListeners.add(listener)
    return () => this.problemListeners.delete(listener)
  }

  /** Runs `listener` now if open, and after every (re)connect. */
  onOpen(listener: () => void): () => void {
    this.openListeners.add(listener)
    if (this.socket?.readyState === WebSocket.OPEN) listener()
    return () => this.openListeners.delete(listener)
  }

  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.messageListeners.add(listener)
    return () => this.messageListeners.delete(listener)
  }

  request(message: JsonObject & { type: string }): Promise<Json | undefined> {
    const reqId = String(this.nextId++)
    return new Promise((resolve, reject) => {
      if (this.socket?.readyState !== WebSocket.OPEN) {
        reject({ code: 'DISCONNECTED', message: 'Not connected to the kernel; retrying' })
        return
      }
      this.pending.set(reqId, { resolve, reject })
      this.socket.send(JSON.stringify({ ...message, reqId }))
    })
  }

  close(): void {
    this.stopped = true
    this.socket?.close()
  }
}

export function defaultSocketUrl(): string {
  const { protocol, host } = window.location
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`
}

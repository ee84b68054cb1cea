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
    let parsed
    try {
      parsed = ServerMessageSchema.safeParse(JSON.parse(text))
    } catch {
      return
    }
    if (!parsed.success) return
    const message = parsed.data
    if ((message.type === 'ack' || message.type === 'error' || message.type === 'pong') && message.reqId) {
      const pending = this.pending.get(message.reqId)
      this.pending.delete(message.reqId)
      if (message.type === 'error') pending?.reject(message.error)
      else pending?.resolve(message.type === 'ack' ? message.result : undefined)
    }
    for (const listener of this.messageListeners) listener(message)
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

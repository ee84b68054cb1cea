import { decode, encode } from '@msgpack/msgpack'
import WebSocket from 'ws'
import type { ServerMessage } from '@nexus/protocol'

export type Encoding = 'json' | 'msgpack'

/**
 * A real `ws` client speaking either encoding, for the security tests: keeps every frame it receives, and
 * how (and whether) the kernel closed the connection.
 */
export class WsPeer {
  readonly messages: ServerMessage[] = []
  closeCode: number | undefined
  readonly closed: Promise<number>
  private waiters: (() => void)[] = []

  private constructor(
    readonly socket: WebSocket,
    readonly encoding: Encoding,
  ) {
    socket.on('message', (data: Buffer, isBinary) => {
      this.messages.push((isBinary ? decode(data) : JSON.parse(data.toString())) as ServerMessage)
      this.wake()
    })
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code
        this.wake()
        resolve(code)
      }),
    )
  }

  /** Opens `/ws` on `url` (http://…) with `credential` as a bearer token, or anonymous. */
  static async open(url: string, encoding: Encoding, credential?: string): Promise<WsPeer> {
    const query = encoding === 'msgpack' ? '?encoding=msgpack' : ''
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws${query}`, {
      headers: credential ? { authorization: `Bearer ${credential}` } : {},
    })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    return new WsPeer(socket, encoding)
  }

  /** Sends a message in the peer's encoding (strings and bytes as they are). */
  send(message: unknown): void {
    if (typeof message === 'string' || message instanceof Uint8Array) {
      this.socket.send(message, { binary: typeof message !== 'string' })
      return
    }
    this.socket.send(this.encoding === 'json' ? JSON.stringify(message) : encode(message))
  }

  /** Waits for a message matching `predicate` (a liveness bound, not a speed assertion) and returns it. */
  async next(predicate: (m: ServerMessage) => boolean, timeoutMs = 30_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find(predicate)
      if (found) return found
      if (this.closeCode !== undefined) throw new Error(`closed (${this.closeCode}); got ${this.describe()}`)
      if (Date.now() > deadline) throw new Error(`no matching message; got ${this.describe()}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }

  /** The answer (`ack`, `pong` or `error`) to `reqId`. */
  answer(reqId: string): Promise<ServerMessage> {
    return this.next((m) => 'reqId' in m && m.reqId === reqId)
  }

  /** Everything the kernel sent before it answered a ping sent now: frames are delivered in order. */
  async drain(): Promise<ServerMessage[]> {
    const reqId = `drain-${Math.random().toString(36).slice(2)}`
    this.send({ type: 'ping', reqId })
    await this.answer(reqId)
    return this.messages.splice(0)
  }

  close(): void {
    this.socket.terminate()
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  private describe(): string {
    return JSON.stringify(this.messages.slice(-5)).slice(0, 1000)
  }
}

/** `depth` nested one-element arrays around 0: `[[[…0…]]]`. */
export function nestedArrays(depth: number): unknown {
  let value: unknown = 0
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

import { encode } from '@msgpack/msgpack'
import type { WebSocket } from 'ws'
import type { ServerMessage } from '@nexus/protocol'

/** Frames a client can take: JSON text, or MessagePack binary (`/ws?encoding=msgpack`). */
export type Encoding = 'json' | 'msgpack'

/**
 * One server message, encoded at most once per encoding however many clients receive it. JSON is kept as
 * UTF-8 bytes too, so `ws` does not convert the same string again for every socket.
 */
export class Frame {
  private text: Buffer | undefined
  private binary: Uint8Array | undefined

  constructor(readonly message: ServerMessage) {}

  as(encoding: Encoding): Uint8Array {
    if (encoding === 'json') return (this.text ??= Buffer.from(JSON.stringify(this.message)))
    return (this.binary ??= encode(this.message, { ignoreUndefined: true }))
  }
}

/** Past this many queued bytes a client stops receiving patches; it gets a snapshot once it drains. */
export const HIGH_WATER_BYTES = 4 * 1024 * 1024
/** Below this the client has caught up enough to receive a fresh snapshot. */
export const LOW_WATER_BYTES = 512 * 1024
/** Past this even snapshots wait no longer: the connection closes and the client resumes on reconnect. */
export const HARD_LIMIT_BYTES = 64 * 1024 * 1024

/**
 * A client's outgoing side with bounded memory: when it falls behind, patches for its channels are
 * dropped (not buffered) and, once the socket drains, `onDrained` gets the channels to send fresh
 * snapshots for — a slow client costs the server a snapshot, never an unbounded queue.
 */
export class Outbox {
  /** Channels whose patches were skipped while the client was behind. */
  readonly behind = new Set<string>()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly socket: WebSocket,
    readonly encoding: Encoding,
    private readonly onDrained: (channels: string[]) => void,
    private readonly onSent: () => void,
  ) {}

  /** Replies, errors and snapshots: always sent while the connection stands. */
  send(frame: Frame): void {
    if (this.socket.readyState !== this.socket.OPEN) return
    if (this.socket.bufferedAmount > HARD_LIMIT_BYTES) {
      this.socket.close(1013, 'too far behind; reconnect and resume')
      return
    }
    this.socket.send(frame.as(this.encoding), { binary: this.encoding === 'msgpack' })
    this.onSent()
  }

  /** A patch on `channel`; skipped (and remembered) while the client is behind on that channel. */
  sendPatch(channel: string, frame: Frame): void {
    if (this.behind.has(channel)) return
    if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
      this.behind.add(channel)
      this.watch()
      return
    }
    this.send(frame)
  }

  private watch(): void {
    this.timer ??= setInterval(() => {
      if (this.socket.readyState !== this.socket.OPEN) return this.stop()
      if (this.socket.bufferedAmount > LOW_WATER_BYTES) return
      const channels = [...this.behind]
      this.behind.clear()
      this.stop()
      this.onDrained(channels)
    }, 50)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

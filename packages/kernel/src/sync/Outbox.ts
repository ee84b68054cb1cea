import { encode } from '@msgpack/msgpack'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { ServerMessage } from '@nexus/protocol'

/** Frames a client can take: JSON text, or MessagePack binary (`/ws?encoding=msgpack`). */
export type Encoding = 'json' | 'msgpack'

const OPCODE_TEXT = 0x1
const OPCODE_BINARY = 0x2

/**
 * One server message, encoded at most once per encoding however many clients receive it, and kept as the
 * complete WebSocket frame too (header and payload in one Buffer): a server frame is unmasked, so the same
 * bytes go to every socket and a broadcast to a thousand clients serialises and frames once.
 */
export class Frame {
  private text: Buffer | undefined
  private binary: Uint8Array | undefined
  private readonly wires: Partial<Record<Encoding, Buffer>> = {}

  constructor(readonly message: ServerMessage) {}

  /** The payload alone. */
  as(encoding: Encoding): Uint8Array {
    if (encoding === 'json') return (this.text ??= Buffer.from(JSON.stringify(this.message)))
    return (this.binary ??= encode(this.message, { ignoreUndefined: true }))
  }

  /** The whole frame as it goes on the wire (RFC 6455 §5.2: FIN, opcode, length, no mask, payload). */
  wire(encoding: Encoding): Buffer {
    return (this.wires[encoding] ??= wireFrame(this.as(encoding), encoding === 'json' ? OPCODE_TEXT : OPCODE_BINARY))
  }
}

function wireFrame(payload: Uint8Array, opcode: number): Buffer {
  const length = payload.byteLength
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10
  const frame = Buffer.allocUnsafe(header + length)
  frame[0] = 0x80 | opcode
  if (header === 2) frame[1] = length
  else if (header === 4) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  frame.set(payload, header)
  return frame
}

/** Past this many queued bytes a client stops receiving patches; it gets a snapshot once it drains. */
export const HIGH_WATER_BYTES = 4 * 1024 * 1024
/** Below this the client has caught up enough to receive a fresh snapshot. */
export const LOW_WATER_BYTES = 512 * 1024
/** Past this even snapshots wait no longer: the connection closes and the client resumes on reconnect. */
export const HARD_LIMIT_BYTES = 64 * 1024 * 1024

/** Outboxes with patches waiting, all written in one pass once the current I/O callbacks are done. */
const pending = new Set<Outbox>()
let flushScheduled = false

function flushPending(): void {
  flushScheduled = false
  for (const outbox of pending) {
    // One socket's failure must not hold back the others' patches (nor end the process from a timer).
    try {
      outbox.flush()
    } catch (error) {
      console.error('[sync] writing to a socket failed:', error)
    }
  }
  pending.clear()
}

/**
 * A client's outgoing side with bounded memory: when it falls behind, patches for its channels are
 * dropped (not buffered) and, once the socket drains, `onDrained` gets the channels to send fresh
 * snapshots for — a slow client costs the server a snapshot, never an unbounded queue.
 *
 * Patches wait for the end of the event-loop turn (`setImmediate`), so every patch a turn produces for one
 * client leaves in one write: one system call per client per turn however many triggers the turn ran, and
 * no added wait at low rates (the turn that ran the trigger writes it). Replies, errors and snapshots are
 * written at once, after whatever patches wait, so a client sees everything in the order it was sent.
 *
 * Frames go straight to the connection's TCP socket (`raw`) as pre-built bytes, as `ws` itself writes them
 * (its sender queues only while compressing, and no extension is negotiated: the server offers none); with
 * an extension or without a raw socket, each frame goes through `ws.send`.
 */
export class Outbox {
  /** Channels whose patches were skipped while the client was behind. */
  readonly behind = new Set<string>()
  private queue: Buffer[] = []
  private queuedBytes = 0
  private timer: NodeJS.Timeout | undefined
  private readonly raw: Duplex | undefined

  constructor(
    private readonly socket: WebSocket,
    readonly encoding: Encoding,
    private readonly onDrained: (channels: string[]) => void,
    private readonly onSent: (frames: number) => void,
    raw?: Duplex,
  ) {
    this.raw = raw && socket.extensions === '' ? raw : undefined
  }

  /** Replies, errors and snapshots: always sent while the connection stands, after any waiting patches. */
  send(frame: Frame): void {
    if (!this.open()) return
    if (this.socket.bufferedAmount + this.queuedBytes > HARD_LIMIT_BYTES) {
      this.socket.close(1013, 'too far behind; reconnect and resume')
      return
    }
    this.enqueue(frame)
    this.flush()
  }

  /** A patch on `channel`; skipped (and remembered) while the client is behind on that channel. */
  sendPatch(channel: string, frame: Frame): void {
    if (this.behind.has(channel) || !this.open()) return
    if (this.socket.bufferedAmount + this.queuedBytes > HIGH_WATER_BYTES) {
      this.behind.add(channel)
      this.watch()
      return
    }
    this.enqueue(frame)
    pending.add(this)
    if (!flushScheduled) {
      flushScheduled = true
      setImmediate(flushPending)
    }
  }

  /** Writes everything waiting, in one system call where the socket allows. */
  flush(): void {
    const frames = this.queue
    if (frames.length === 0) return
    this.queue = []
    this.queuedBytes = 0
    if (!this.open()) return
    if (!this.raw) {
      for (const frame of frames) this.socket.send(frameBody(frame), { binary: (frame[0]! & 0x0f) === OPCODE_BINARY })
    } else if (frames.length === 1) {
      this.raw.write(frames[0]!)
    } else {
      this.raw.cork()
      for (const frame of frames) this.raw.write(frame)
      this.raw.uncork()
    }
    this.onSent(frames.length)
  }

  private enqueue(frame: Frame): void {
    const bytes = frame.wire(this.encoding)
    this.queue.push(bytes)
    this.queuedBytes += bytes.byteLength
  }

  private open(): boolean {
    return this.socket.readyState === this.socket.OPEN
  }

  private watch(): void {
    this.timer ??= setInterval(() => {
      if (!this.open()) return this.stopWatching()
      if (this.socket.bufferedAmount > LOW_WATER_BYTES) return
      const channels = [...this.behind]
      this.behind.clear()
      this.stopWatching()
      this.onDrained(channels)
    }, 50)
    this.timer.unref()
  }

  private stopWatching(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** The connection closed: nothing more is written. */
  stop(): void {
    this.stopWatching()
    this.queue = []
    this.queuedBytes = 0
    pending.delete(this)
  }
}

/** The payload of a frame built by `wireFrame`, for the `ws.send` path. */
function frameBody(frame: Buffer): Buffer {
  const marker = frame[1]! & 0x7f
  return frame.subarray(marker < 126 ? 2 : marker === 126 ? 4 : 10)
}

import { escapePointer, type ErrorBody, type Json, type PatchOp } from '@nexus/protocol'

/** How long a bound input rests before its latest value goes out: typing makes a few writes, not one a key. */
export const BIND_DEBOUNCE_MS = 150

/**
 * Two-way `bind` writes on their way to the kernel. Per path only the latest value is kept; it is sent once
 * typing pauses, and never while an earlier write of that path is unanswered, so one path's writes reach the
 * kernel in order and the last one always arrives. Until it is acknowledged `pending()` holds it, for the page
 * to lay over the kernel's patches (the input keeps what was typed). A write cut off by a dropped connection
 * waits for `flush()` after the reconnect; one the kernel refuses goes to `onError`.
 */
export class BindQueue {
  /** The latest value of each path, not sent yet. */
  private readonly waiting = new Map<string, Json>()
  /** The value of each path sent and not answered yet. */
  private readonly sent = new Map<string, Json>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(
    private readonly send: (path: string, value: Json) => Promise<unknown>,
    private readonly onError: (path: string, error: ErrorBody) => void,
    private readonly delayMs = BIND_DEBOUNCE_MS,
  ) {}

  write(path: string, value: Json): void {
    this.waiting.set(path, value)
    clearTimeout(this.timers.get(path))
    this.timers.set(
      path,
      setTimeout(() => this.sendPath(path), this.delayMs),
    )
  }

  /** What the user typed that the kernel has not acknowledged yet, as patches to lay over its state. */
  pending(): PatchOp[] {
    const values = new Map(this.sent)
    for (const [path, value] of this.waiting) values.set(path, value)
    return [...values].map(([path, value]) => bindOp(path, value))
  }

  /** Sends every waiting value now: after a reconnect, or when the page goes away. */
  flush(): void {
    for (const path of [...this.waiting.keys()]) this.sendPath(path)
  }

  private sendPath(path: string): void {
    clearTimeout(this.timers.get(path))
    this.timers.delete(path)
    const value = this.waiting.get(path)
    if (value === undefined || this.sent.has(path)) return
    this.waiting.delete(path)
    this.sent.set(path, value)
    this.send(path, value).then(
      () => {
        this.sent.delete(path)
        if (this.waiting.has(path)) this.sendPath(path)
      },
      (error: ErrorBody) => {
        this.sent.delete(path)
        if (error.code === 'DISCONNECTED') {
          // Not refused, cut off: keep it (unless something newer waits) for the flush after the reconnect.
          if (!this.waiting.has(path)) this.waiting.set(path, value)
          return
        }
        this.waiting.delete(path)
        this.onError(path, error)
      },
    )
  }
}

/** The patch a bound input's value makes locally: the `bind` path as a JSON Pointer (as the reactor does). */
export function bindOp(path: string, value: Json): PatchOp {
  return { op: 'add', path: '/' + path.split('.').map(escapePointer).join('/'), value }
}

/**
 * Messages per second one WebSocket connection may send, sustained. Far above what the studio or an API
 * client doing real work sends — the kernel itself applies about 2,400 triggers a second on one socket
 * (`npm run bench -- kernel`) — and below a flood.
 */
export const WS_MESSAGES_PER_SECOND = 5_000
/** Messages a connection may send at once: pipelined requests (the suites pipeline up to 10,000). */
export const WS_MESSAGE_BURST = 20_000
/** Refused messages a connection may go on sending, net of refill, before it is closed (1008). */
export const WS_FLOOD_LIMIT = 5_000

/**
 * A token bucket per connection: `perSecond` tokens a second, at most `burst` saved up. A message past the
 * bucket is refused and still costs its token, so a client that keeps sending digs itself deeper; one
 * `flood` tokens in debt is to be closed.
 */
export class MessageRate {
  private tokens: number
  private updated: number | undefined

  constructor(
    private readonly perSecond = WS_MESSAGES_PER_SECOND,
    private readonly burst = WS_MESSAGE_BURST,
    private readonly flood = WS_FLOOD_LIMIT,
  ) {
    this.tokens = burst
  }

  /** 0: the message may pass; otherwise the seconds until one would, or `close` for a flooding connection. */
  take(nowMs: number): number | 'close' {
    const elapsed = this.updated === undefined ? 0 : Math.max(0, nowMs - this.updated)
    this.updated = nowMs
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.perSecond) - 1
    if (this.tokens >= 0) return 0
    if (-this.tokens > this.flood) return 'close'
    return Math.max(1, Math.ceil(-this.tokens / this.perSecond))
  }
}

/**
 * Messages per second one WebSocket connection may send, sustained. Far above what the studio or an API
 * client doing real work sends — the kernel itself applies about 2,400 triggers a second on one socket
 * (`npm run bench -- kernel`) — and below a flood. `NEXUS_WS_RATE_LIMIT` overrides it.
 */
export const WS_MESSAGES_PER_SECOND = 5_000
/** Seconds of the sustained rate a connection may send at once: pipelined requests (10,000 in the suites). */
export const WS_BURST_SECONDS = 4
/** Seconds of the sustained rate a connection may go on sending after being refused before it is closed. */
export const WS_FLOOD_SECONDS = 1

export type RateVerdict = { ok: true } | { ok: false; retryAfter: number; close: boolean }

/**
 * A token bucket per connection: `perSecond` tokens a second, at most `burst` saved up. A message past the
 * bucket is refused and still costs its token, so a client that keeps sending digs itself deeper; one
 * `flood` tokens in debt is closed (1008). `retryAfter` is when the next message would pass.
 */
export class MessageRate {
  private tokens: number
  private updated: number
  private readonly burst: number
  private readonly flood: number

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = perSecond * WS_BURST_SECONDS
    this.flood = perSecond * WS_FLOOD_SECONDS
    this.tokens = this.burst
    this.updated = now()
  }

  take(): RateVerdict {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.perSecond)
    this.updated = now
    this.tokens -= 1
    if (this.tokens >= 0) return { ok: true }
    const retryAfter = Math.max(1, Math.ceil(-this.tokens / this.perSecond))
    return { ok: false, retryAfter, close: -this.tokens > this.flood }
  }
}

/** `NEXUS_WS_RATE_LIMIT`: messages per second per connection, a positive integer; unset means the default. */
export function wsRateLimitFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.NEXUS_WS_RATE_LIMIT
  if (raw === undefined || raw === '') return WS_MESSAGES_PER_SECOND
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`NEXUS_WS_RATE_LIMIT must be a positive whole number of messages per second, got "${raw}"`)
  }
  return value
}

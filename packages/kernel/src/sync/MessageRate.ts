/**
 * Messages per second one WebSocket connection may send, sustained. Far above what the studio or an API
 * client doing real work sends — the kernel itself applies about 2,400 triggers a second on one socket
 * (`npm run bench -- kernel`) — and below a flood. `NEXUS_WS_RATE_LIMIT` overrides it.
 */
export const WS_MESSAGES_PER_SECOND = 5_000
/** Seconds of the sustained rate a connection may send at once: pipelined requests (the suites send 10,000). */
export const WS_BURST_SECONDS = 4
/** Seconds of the sustained rate a connection may go on sending past its refusals before it is closed (1008). */
export const WS_FLOOD_SECONDS = 1

export interface MessageRateLimit {
  perSecond: number
  /** Most messages saved up. */
  burst: number
  /** Most refused messages, net of refill, before the connection is closed. */
  flood: number
}

/** `NEXUS_WS_RATE_LIMIT`: messages per second per connection, a positive integer; unset means the default. */
export function wsRateLimitFromEnv(env: NodeJS.ProcessEnv): MessageRateLimit {
  const raw = env.NEXUS_WS_RATE_LIMIT
  const perSecond = raw === undefined || raw === '' ? WS_MESSAGES_PER_SECOND : Number(raw)
  if (!Number.isInteger(perSecond) || perSecond <= 0) {
    throw new Error(`NEXUS_WS_RATE_LIMIT must be a positive whole number of messages per second, got "${raw}"`)
  }
  return { perSecond, burst: perSecond * WS_BURST_SECONDS, flood: perSecond * WS_FLOOD_SECONDS }
}

/**
 * A token bucket per connection: `perSecond` tokens a second, at most `burst` saved up. A message past the
 * bucket is refused and still costs its token, so a client that keeps sending digs itself deeper; one
 * `flood` tokens in debt is to be closed.
 */
export class MessageRate {
  private tokens: number
  private updated: number | undefined

  constructor(private readonly limit: MessageRateLimit = wsRateLimitFromEnv({})) {
    this.tokens = limit.burst
  }

  /** 0: the message may pass; otherwise the seconds until one would, or `close` for a flooding connection. */
  take(nowMs: number): number | 'close' {
    const { perSecond, burst, flood } = this.limit
    const elapsed = this.updated === undefined ? 0 : Math.max(0, nowMs - this.updated)
    this.updated = nowMs
    this.tokens = Math.min(burst, this.tokens + (elapsed / 1000) * perSecond) - 1
    if (this.tokens >= 0) return 0
    if (-this.tokens > flood) return 'close'
    return Math.max(1, Math.ceil(-this.tokens / perSecond))
  }
}

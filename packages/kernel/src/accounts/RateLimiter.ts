/** Counts events per key in fixed windows; `hit` says whether the key is still under its limit. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const w = this.windows.get(key)
    const now = this.clock()
    if (!w || now - w.start >= this.windowMs || w.count < this.limit) return 0
    return Math.ceil((w.start + this.windowMs - now) / 1000)
  }

  hit(key: string): void {
    const now = this.clock()
    const w = this.windows.get(key)
    if (!w || now - w.start >= this.windowMs) this.windows.set(key, { start: now, count: 1 })
    else w.count++
    if (this.windows.size > 100_000) this.prune(now)
  }

  reset(key: string): void {
    this.windows.delete(key)
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key)
  }
}

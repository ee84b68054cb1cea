import { describe, expect, it } from 'vitest'
import { MessageRate, WS_MESSAGES_PER_SECOND, wsRateLimitFromEnv } from './MessageRate.ts'

const limit = { perSecond: 10, burst: 40, flood: 10 }

describe('MessageRate', () => {
  it('lets the burst through at once, then refuses with the seconds until the next message would pass', () => {
    const rate = new MessageRate(limit)
    const verdicts = Array.from({ length: 45 }, () => rate.take(0))
    expect(verdicts.slice(0, 40).every((v) => v === 0)).toBe(true)
    expect(verdicts.slice(40)).toEqual([1, 1, 1, 1, 1])
  })

  it('refills at the sustained rate, never past the burst', () => {
    const rate = new MessageRate(limit)
    for (let i = 0; i < 40; i++) rate.take(0)
    expect(rate.take(0)).toBe(1)
    // 1 s later: 10 tokens back, one of them paying the refused message's debt.
    const later = Array.from({ length: 10 }, () => rate.take(1000))
    expect(later).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    const idle = new MessageRate(limit)
    expect(idle.take(0)).toBe(0)
    const afterAnHour = Array.from({ length: 41 }, () => idle.take(3_600_000))
    expect(afterAnHour.filter((v) => v === 0)).toHaveLength(40)
  })

  it('closes a connection that goes on sending once it is `flood` messages in debt', () => {
    const rate = new MessageRate(limit)
    const verdicts = Array.from({ length: 60 }, () => rate.take(0))
    expect(verdicts.indexOf('close')).toBe(40 + 10)
    // A refused message still costs its token: the wait grows while the client keeps sending.
    expect(verdicts[49]).toBe(1)
  })

  it('reads NEXUS_WS_RATE_LIMIT as messages per second, with burst and flood in proportion', () => {
    expect(wsRateLimitFromEnv({})).toEqual({
      perSecond: WS_MESSAGES_PER_SECOND,
      burst: WS_MESSAGES_PER_SECOND * 4,
      flood: WS_MESSAGES_PER_SECOND,
    })
    expect(wsRateLimitFromEnv({ NEXUS_WS_RATE_LIMIT: '100' })).toEqual({ perSecond: 100, burst: 400, flood: 100 })
    expect(() => wsRateLimitFromEnv({ NEXUS_WS_RATE_LIMIT: '1.5' })).toThrow(/positive whole number/)
    expect(() => wsRateLimitFromEnv({ NEXUS_WS_RATE_LIMIT: '0' })).toThrow(/positive whole number/)
  })
})

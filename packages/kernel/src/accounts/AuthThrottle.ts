import { KernelError } from '../errors.ts'
import type { AccountRepository } from './AccountRepository.ts'

const MINUTE = 60_000

/** At most `limit` attempts per key in a fixed window of `windowMs`. */
export interface ThrottleLimit {
  limit: number
  windowMs: number
}

/**
 * Login limits, counted before the password is checked. The hard limit is per (e-mail, address) pair, so a
 * guesser at one address gets 10 tries at an account while its owner, elsewhere, is untouched. Two looser
 * limits catch what the pair misses: one address trying many accounts, and one account tried from many
 * addresses. The trade-off: that last limit still lets someone with 5 or more addresses lock an account out
 * for 15 minutes; it is loose so that takes many addresses, and in exchange a distributed guess at one
 * account is capped at 50 tries per window.
 */
export const LOGIN_LIMITS = {
  pair: { limit: 10, windowMs: 15 * MINUTE },
  address: { limit: 100, windowMs: 15 * MINUTE },
  email: { limit: 50, windowMs: 15 * MINUTE },
} satisfies Record<string, ThrottleLimit>

/** Registration attempts per address. */
export const REGISTRATION_LIMIT: ThrottleLimit = { limit: 20, windowMs: 60 * MINUTE }

/** How many counted attempts pass between sweeps of expired windows. */
const PRUNE_EVERY = 1000

/**
 * Attempt counters for logins and registrations, kept in the `auth_throttle` table so a restart forgets
 * nothing. Each attempt is counted by one atomic upsert before any slow work, so parallel attempts cannot
 * all pass a check made before any of them was counted.
 */
export class AuthThrottle {
  private counted = 0

  constructor(
    private readonly repo: AccountRepository,
    private readonly clock: () => number,
  ) {}

  /** Counts a login attempt; throws RATE_LIMITED (429, `details.retryAfter` in seconds) past any limit. */
  async reserveLogin(email: string, address: string): Promise<void> {
    const keys = loginKeys(email, address)
    // Strictest first, stopping at the first refusal: attempts refused for one pair do not use up the
    // address's or the account's budget, or one address could lock an account out everywhere.
    await this.take(keys.pair, LOGIN_LIMITS.pair, 'Too many failed logins to this account from your address')
    await this.take(keys.address, LOGIN_LIMITS.address, 'Too many failed logins from your address')
    await this.take(keys.email, LOGIN_LIMITS.email, 'Too many failed logins to this account')
  }

  /** A login succeeded: the pair's failures are forgotten and the attempt no longer counts against the others. */
  async loginSucceeded(email: string, address: string): Promise<void> {
    const keys = loginKeys(email, address)
    await this.repo.resetThrottle(keys.pair)
    await this.repo.releaseThrottle(keys.address)
    await this.repo.releaseThrottle(keys.email)
  }

  /** Counts a registration attempt from `address`; throws RATE_LIMITED past the limit. */
  async reserveRegistration(address: string): Promise<void> {
    await this.take(`register:${address}`, REGISTRATION_LIMIT, 'Too many registrations from your address')
  }

  private async take(key: string, { limit, windowMs }: ThrottleLimit, what: string): Promise<void> {
    const now = this.clock()
    const { count, windowStart } = await this.repo.bumpThrottle(key, now, windowMs)
    if (++this.counted % PRUNE_EVERY === 0) await this.repo.pruneThrottle(now - 60 * MINUTE)
    if (count <= limit) return
    const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000))
    throw new KernelError('RATE_LIMITED', `${what}; try again in ${retryAfter} s`, 429, { retryAfter })
  }
}

function loginKeys(email: string, address: string) {
  return { pair: `pair:${email}|${address}`, address: `ip:${address}`, email: `email:${email}` }
}

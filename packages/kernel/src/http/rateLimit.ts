import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { ipKeyGenerator, rateLimit } from 'express-rate-limit'
import { KernelError } from '../errors.ts'

/**
 * Requests per minute one caller may make by default (about 330 a second): far above what the studio or an
 * API client doing real work needs — the test suites included, whose HTTP fuzzing sends 10,000 bodies in
 * seconds as one caller — and below a flood. `NEXUS_RATE_LIMIT` overrides it.
 */
export const DEFAULT_REQUESTS_PER_MINUTE = 20_000

const WINDOW_MS = 60_000
const API_PATH = /^\/api(?:[/?]|$)/

export interface RequestRateLimit {
  /** Mounted before everything: counts what is not under `/api` (studio, health, metrics, OTLP) by address. */
  outsideApi: RequestHandler
  /** Mounted under `/api` after authentication: counts by principal, or by address when anonymous. */
  api: RequestHandler
}

/**
 * A request budget per caller — the logged-in user (all their sessions and API keys) or, for anonymous
 * callers, the client address (IPv6 by /56, so one host cannot rotate through its addresses) — answered past
 * it with 429 `RATE_LIMITED` and `Retry-After`. One fixed window per minute, in memory: a restart forgets.
 * Behind a reverse proxy every anonymous caller shares the proxy's address.
 */
export function requestRateLimit(perMinute = rateLimitFromEnv(process.env)): RequestRateLimit {
  const limiter = rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => (req.principal ? `user:${req.principal.userId}` : `ip:${ipKeyGenerator(req.ip ?? '')}`),
    handler: (_req, res, next) => {
      const retryAfter = res.getHeader('retry-after') ?? '60'
      const message = `Too many requests: at most ${perMinute} a minute per caller; retry after ${String(retryAfter)} s`
      next(new KernelError('RATE_LIMITED', message, 429))
    },
    // Any caller can send X-Forwarded-For; it must not make the kernel log a warning on their behalf.
    validate: { xForwardedForHeader: false },
  })
  return {
    outsideApi: (req: Request, res: Response, next: NextFunction) =>
      API_PATH.test(req.originalUrl) ? next() : limiter(req, res, next),
    api: limiter,
  }
}

/** `NEXUS_RATE_LIMIT`: requests per minute per caller, a positive integer; unset means the default. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.NEXUS_RATE_LIMIT
  if (raw === undefined || raw === '') return DEFAULT_REQUESTS_PER_MINUTE
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`NEXUS_RATE_LIMIT must be a positive whole number of requests per minute, got "${raw}"`)
  }
  return value
}

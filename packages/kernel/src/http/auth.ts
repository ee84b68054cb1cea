import type { NextFunction, Request, Response } from 'express'
import type { AccountService, Principal, Session } from '../accounts/AccountService.ts'
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_MS } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'

export const ACCESS_COOKIE = 'nx_access'
export const REFRESH_COOKIE = 'nx_refresh'

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal
    /** Why a credential that was sent did not authenticate. */
    authError?: KernelError
  }
}

/** The bearer credential of a request: `Authorization: Bearer …` (token or API key), else the access cookie. */
export function credentialOf(headers: { authorization?: string; cookie?: string }): string | undefined {
  const auth = headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim()
  return readCookie(headers.cookie, ACCESS_COOKIE)
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return percentDecoded(part.slice(eq + 1).trim())
  }
  return undefined
}

/** A cookie value decoded; one that is not valid percent-encoding stays as sent, and then fails as a credential. */
function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * Resolves `req.principal`. A bad or expired credential leaves the request anonymous with `authError` set,
 * so login and refresh still work with a stale cookie, and protected routes explain what went wrong.
 */
export function authenticate(accounts: AccountService) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.principal = await accounts.authenticate(credentialOf(req.headers))
    } catch (error) {
      if (!(error instanceof KernelError)) throw error
      req.authError = error
    }
    next()
  }
}

export function requirePrincipal(req: Request): Principal {
  if (req.principal) return req.principal
  throw (
    req.authError ??
    new KernelError('UNAUTHENTICATED', 'Log in, or send an API key as "Authorization: Bearer nxk_…"', 401)
  )
}

export function setSessionCookies(req: Request, res: Response, session: Session): void {
  const secure = req.secure
  res.cookie(ACCESS_COOKIE, session.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: ACCESS_TOKEN_SECONDS * 1000,
  })
  res.cookie(REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/api/auth',
    maxAge: REFRESH_TOKEN_MS,
  })
}

export function clearSessionCookies(res: Response): void {
  res.clearCookie(ACCESS_COOKIE, { path: '/' })
  res.clearCookie(REFRESH_COOKIE, { path: '/api/auth' })
}

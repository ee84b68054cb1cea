import { Router, type Request, type Response } from 'express'
import { ipKeyGenerator } from 'express-rate-limit'
import {
  CreateApiKeyRequestSchema,
  LoginRequestSchema,
  RegisterRequestSchema,
  SetupRequestSchema,
} from '@nexus/protocol'
import type { JsonObject } from '@nexus/protocol'
import type { Trilog } from '@nexus/trilog'
import type { AccountService, Session } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import { REFRESH_COOKIE, clearSessionCookies, readCookie, requirePrincipal, setSessionCookies } from './auth.ts'
import { parseBody } from './parseBody.ts'

/** Sign-up, login, token refresh, logout, API keys: `/api/auth/*`, `/api/me`, `/api/keys`. */
export function authRoutes(accounts: AccountService, telemetry: Trilog): Router {
  const router = Router()
  /** UserAuthentication events, anchored to the user (or to the e-mail tried, when there is no user). */
  const audit = (id: string, name: string, attrs: JsonObject = {}) =>
    telemetry.anchor({ type: 'User', id }, () => telemetry.event(name, attrs))
  const answer = (session: Session, includeRefresh: boolean) => ({
    user: session.user,
    accessToken: session.accessToken,
    ...(includeRefresh ? { refreshToken: session.refreshToken } : {}),
  })

  router.get('/auth/status', async (req, res) => {
    const user = req.principal ? await accounts.user(req.principal.userId) : null
    res.json({ setupRequired: await accounts.setupRequired(), user })
  })

  router.post('/auth/setup', async (req, res) => {
    const session = await accounts.setup(parseBody(SetupRequestSchema, req))
    audit(session.user.id, 'registered', { owner: true })
    setSessionCookies(req, res, session)
    res.status(201).json(answer(session, true))
  })

  router.post('/auth/register', async (req, res) => {
    const input = parseBody(RegisterRequestSchema, req)
    const session = await accounts.register(input, clientAddress(req)).catch(retryAfterHeader(res))
    audit(session.user.id, 'registered')
    setSessionCookies(req, res, session)
    res.status(201).json(answer(session, true))
  })

  router.post('/auth/login', async (req, res) => {
    const { email, password } = parseBody(LoginRequestSchema, req)
    const session = await accounts.login(email, password, clientAddress(req)).catch((error: unknown) => {
      audit(`email:${email}`, 'login_failed', { reason: (error as { code?: string }).code ?? 'INTERNAL' })
      return retryAfterHeader(res)(error)
    })
    audit(session.user.id, 'login', { method: 'password' })
    setSessionCookies(req, res, session)
    res.json(answer(session, true))
  })

  router.post('/auth/refresh', async (req, res) => {
    const fromBody = bodyRefreshToken(req)
    const token = fromBody ?? readCookie(req.headers.cookie, REFRESH_COOKIE)
    if (!token) throw new KernelError('UNAUTHENTICATED', 'No refresh token: log in again', 401)
    const session = await accounts.refresh(token)
    setSessionCookies(req, res, session)
    res.json(answer(session, fromBody !== undefined))
  })

  router.post('/auth/logout', async (req, res) => {
    await accounts.logout(bodyRefreshToken(req) ?? readCookie(req.headers.cookie, REFRESH_COOKIE))
    clearSessionCookies(res)
    res.status(204).end()
  })

  router.post('/auth/logout-all', async (req, res) => {
    await accounts.logoutEverywhere(requirePrincipal(req).userId)
    clearSessionCookies(res)
    res.status(204).end()
  })

  router.get('/me', async (req, res) => {
    const { userId } = requirePrincipal(req)
    res.json({ user: await accounts.user(userId), workspaces: await accounts.repository.listWorkspaces(userId) })
  })

  router.get('/keys', async (req, res) => {
    res.json({ keys: await accounts.repository.listApiKeys(requirePrincipal(req).userId) })
  })

  router.post('/keys', async (req, res) => {
    const principal = requirePrincipal(req)
    const { name } = parseBody(CreateApiKeyRequestSchema, req)
    res.status(201).json(await accounts.createApiKey(principal.userId, name))
  })

  router.delete('/keys/:id', async (req, res) => {
    await accounts.revokeApiKey(requirePrincipal(req).userId, req.params.id)
    res.status(204).end()
  })

  return router
}

/** The socket's address (never a forwarded header a client could forge); IPv6 by /56, as one household has many. */
function clientAddress(req: Request): string {
  return ipKeyGenerator(req.socket.remoteAddress ?? 'unknown')
}

/** Rethrows `error`, first setting `Retry-After` when it is a rate-limit refusal carrying `retryAfter`. */
function retryAfterHeader(res: Response) {
  return (error: unknown): never => {
    const details = error instanceof KernelError ? (error.details as { retryAfter?: number } | undefined) : undefined
    if (error instanceof KernelError && error.status === 429 && details?.retryAfter) {
      res.setHeader('retry-after', String(details.retryAfter))
    }
    throw error
  }
}

/** A refresh token sent in the body (scripts); browsers send the cookie instead. */
function bodyRefreshToken(req: Request): string | undefined {
  return typeof req.body?.refreshToken === 'string' ? (req.body.refreshToken as string) : undefined
}

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2'
import { SignJWT, jwtVerify } from 'jose'
import { KernelError } from '../errors.ts'
import type { AccountRepository, User, Workspace } from './AccountRepository.ts'
import { RateLimiter } from './RateLimiter.ts'
import { roleAllows, type Role } from './roles.ts'
import { newId, randomToken, sha256 } from './secrets.ts'

export const ACCESS_TOKEN_SECONDS = 15 * 60
export const REFRESH_TOKEN_MS = 30 * 24 * 3600 * 1000
const API_KEY = /^nxk_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$/

/** Who is calling: a logged-in user (session) or a script (API key). */
export interface Principal {
  userId: string
  via: 'session' | 'apiKey'
}

export interface Session {
  user: PublicUser
  accessToken: string
  refreshToken: string
}

export interface PublicUser {
  id: string
  email: string
  name: string
}

export interface AccountServiceOptions {
  repository: AccountRepository
  jwtSecret: Uint8Array
  clock: () => number
  /** `closed` turns off self-registration after first-run setup (`NEXUS_REGISTRATION=closed`). */
  registration: 'open' | 'closed'
}

/**
 * Something that can end access an open connection already has: a membership removed or downgraded
 * (`workspaceId` set), an API key revoked (`apiKeyId`), or sessions ended (`sessions`: logout, logout-all,
 * a refresh-token replay). Open WebSockets re-check their credential and every channel when they hear one.
 */
export interface AccessChange {
  userId: string
  reason: 'membership' | 'apiKey' | 'sessions'
  workspaceId?: string
  apiKeyId?: string
}

function publicUser(u: User): PublicUser {
  return { id: u.id, email: u.email, name: u.name }
}

/** Accounts, sessions, API keys and workspace roles. */
export class AccountService {
  private readonly repo: AccountRepository
  private readonly clock: () => number
  /** Failed logins per e-mail and per client address: 10 in 15 minutes. */
  private readonly loginLimiter: RateLimiter
  private readonly accessListeners = new Set<(change: AccessChange) => void>()

  constructor(private readonly options: AccountServiceOptions) {
    this.repo = options.repository
    this.clock = options.clock
    this.loginLimiter = new RateLimiter(10, 15 * 60 * 1000, options.clock)
  }

  /** Tells `listener` whenever access may have been lost (see `AccessChange`); returns the unsubscribe. */
  onAccessChange(listener: (change: AccessChange) => void): () => void {
    this.accessListeners.add(listener)
    return () => this.accessListeners.delete(listener)
  }

  /** Announces an `AccessChange`; called after the change is committed. */
  protected accessChanged(change: AccessChange): void {
    for (const listener of this.accessListeners) {
      try {
        listener(change)
      } catch (error) {
        console.error('[accounts] an access-change listener failed:', error)
      }
    }
  }

  get repository(): AccountRepository {
    return this.repo
  }

  async setupRequired(): Promise<boolean> {
    return (await this.repo.countUsers()) === 0
  }

  /** First run: the owner account and its workspace; refused once any user exists. */
  async setup(input: { email: string; password: string; name: string }): Promise<Session> {
    if (!(await this.setupRequired())) {
      throw new KernelError('SETUP_DONE', 'Nexus is already set up; log in instead', 409)
    }
    return this.createAccount(input, true)
  }

  async register(input: { email: string; password: string; name: string }): Promise<Session> {
    if (await this.setupRequired()) return this.createAccount(input, true)
    if (this.options.registration === 'closed') {
      throw new KernelError(
        'REGISTRATION_CLOSED',
        'Registration is closed on this server; ask an owner for an account',
        403,
      )
    }
    return this.createAccount(input, false)
  }

  private async createAccount(
    input: { email: string; password: string; name: string },
    first: boolean,
  ): Promise<Session> {
    const email = input.email.trim().toLowerCase()
    if (await this.repo.findUserByEmail(email)) {
      throw new KernelError('EMAIL_TAKEN', `An account for ${email} already exists; log in instead`, 409)
    }
    const now = this.clock()
    const user: User = {
      id: newId(),
      email,
      name: input.name.trim() || email,
      passwordHash: await argonHash(input.password),
      tokenVersion: 0,
      createdAt: now,
    }
    const workspace: Workspace = { id: newId(), name: `${user.name}'s workspace`, createdAt: now }
    await this.repo.createUserWithWorkspace(user, workspace, first)
    return this.issueSession(user)
  }

  async login(email: string, password: string, clientAddress: string): Promise<Session> {
    const normalized = email.trim().toLowerCase()
    const keys = [`email:${normalized}`, `ip:${clientAddress}`]
    const wait = Math.max(...keys.map((k) => this.loginLimiter.retryAfter(k)))
    if (wait > 0) {
      throw new KernelError('RATE_LIMITED', `Too many failed logins; try again in ${wait} s`, 429, { retryAfter: wait })
    }
    const user = await this.repo.findUserByEmail(normalized)
    // Verify against a dummy hash for unknown e-mails too, so timing does not reveal which accounts exist.
    const ok = await argonVerify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false)
    if (!user || !ok) {
      for (const k of keys) this.loginLimiter.hit(k)
      throw new KernelError('INVALID_CREDENTIALS', 'Wrong e-mail or password', 401)
    }
    this.loginLimiter.reset(`email:${normalized}`)
    return this.issueSession(user)
  }

  private async issueSession(user: User, familyId = newId()): Promise<Session> {
    const now = this.clock()
    const accessToken = await new SignJWT({ tv: user.tokenVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + ACCESS_TOKEN_SECONDS)
      .sign(this.options.jwtSecret)
    const refreshToken = randomToken()
    await this.repo.insertRefreshToken({
      hash: sha256(refreshToken),
      userId: user.id,
      familyId,
      expiresAt: now + REFRESH_TOKEN_MS,
      revokedAt: null,
      createdAt: now,
    })
    return { user: publicUser(user), accessToken, refreshToken }
  }

  /** Rotates a refresh token. A token used twice means it was stolen: its whole family is revoked. */
  async refresh(refreshToken: string): Promise<Session> {
    const now = this.clock()
    const stored = await this.repo.findRefreshToken(sha256(refreshToken))
    if (!stored || stored.expiresAt <= now) throw unauthenticated('Your session has expired; log in again')
    if (stored.revokedAt !== null || !(await this.repo.revokeRefreshToken(stored.hash, now))) {
      await this.repo.revokeFamily(stored.familyId, now)
      throw unauthenticated('This session was already refreshed elsewhere; log in again')
    }
    const user = await this.repo.findUserById(stored.userId)
    if (!user) throw unauthenticated('The account no longer exists')
    return this.issueSession(user, stored.familyId)
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return
    const stored = await this.repo.findRefreshToken(sha256(refreshToken))
    if (stored) await this.repo.revokeFamily(stored.familyId, this.clock())
  }

  /** Ends every session of the user: refresh tokens revoked, access tokens invalidated by version. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.repo.revokeAllRefreshTokens(userId, this.clock())
    await this.repo.bumpTokenVersion(userId)
  }

  /** Resolves a bearer credential (access token or API key); undefined when there is none. */
  async authenticate(credential: string | undefined): Promise<Principal | undefined> {
    if (!credential) return undefined
    const key = API_KEY.exec(credential)
    if (key) return this.authenticateApiKey(key[1]!, key[2]!)
    try {
      const { payload } = await jwtVerify(credential, this.options.jwtSecret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.clock()),
      })
      const user = payload.sub ? await this.repo.findUserById(payload.sub) : undefined
      if (!user || payload.tv !== user.tokenVersion) throw unauthenticated('This session has ended; log in again')
      return { userId: user.id, via: 'session' }
    } catch (error) {
      if (error instanceof KernelError) throw error
      throw unauthenticated('The access token is invalid or expired; refresh it or log in again')
    }
  }

  private async authenticateApiKey(id: string, secret: string): Promise<Principal> {
    const stored = await this.repo.findApiKey(id)
    const given = Buffer.from(sha256(secret))
    if (!stored || stored.revokedAt !== null || !timingSafeEqual(given, Buffer.from(stored.secretHash))) {
      throw unauthenticated('The API key is invalid or revoked')
    }
    await this.repo.touchApiKey(id, this.clock())
    return { userId: stored.userId, via: 'apiKey' }
  }

  async createApiKey(userId: string, name: string): Promise<{ id: string; name: string; key: string }> {
    const id = randomBytes(6).toString('hex')
    const secret = randomToken(24)
    await this.repo.insertApiKey({
      id,
      userId,
      name,
      secretHash: sha256(secret),
      createdAt: this.clock(),
      lastUsedAt: null,
      revokedAt: null,
    })
    return { id, name, key: `nxk_${id}_${secret}` }
  }

  async revokeApiKey(userId: string, id: string): Promise<void> {
    if (!(await this.repo.revokeApiKey(id, userId, this.clock()))) {
      throw new KernelError('NOT_FOUND', 'No such active API key', 404)
    }
  }

  async user(userId: string): Promise<PublicUser> {
    const user = await this.repo.findUserById(userId)
    if (!user) throw unauthenticated('The account no longer exists')
    return publicUser(user)
  }

  /** Throws FORBIDDEN (or NOT_FOUND for outsiders, who may not learn the workspace exists) below `needed`. */
  async requireRole(principal: Principal, workspaceId: string | null, needed: Role): Promise<Role> {
    const role = workspaceId === null ? undefined : await this.repo.roleOf(workspaceId, principal.userId)
    if (role === undefined)
      throw new KernelError('NOT_FOUND', 'Not found, or you are not a member of its workspace', 404)
    if (!roleAllows(role, needed)) {
      throw new KernelError('FORBIDDEN', `This needs the ${needed} role in the workspace; you are ${role}`, 403)
    }
    return role
  }

  /** The workspace new panels go to by default: the first one where the user may edit. */
  async defaultWorkspace(userId: string): Promise<string> {
    const ws = (await this.repo.listWorkspaces(userId)).find((w) => roleAllows(w.role, 'editor'))
    if (!ws) throw new KernelError('FORBIDDEN', 'You cannot edit any workspace; create one first', 403)
    return ws.id
  }
}

function unauthenticated(message: string): KernelError {
  return new KernelError('UNAUTHENTICATED', message, 401)
}

// argon2id hash of a random string, used to keep login timing equal for unknown accounts.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$2mN0MpeTRlPHtbRqJuqo6A$j8+JoBFAhBhi9eMsVDP3dHr0SbVEf8HUkRMTLSBcLCk'

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2'
import { SignJWT, jwtVerify } from 'jose'
import type { Trilog } from '@nexus/trilog'
import { KernelError } from '../errors.ts'
import type { AccountRepository, Invitation, Member, User, Workspace } from './AccountRepository.ts'
import { AuthThrottle } from './AuthThrottle.ts'
import { checkPassword } from './passwordPolicy.ts'
import { roleAllows, type Role } from './roles.ts'
import { newId, randomToken, sha256 } from './secrets.ts'

export const ACCESS_TOKEN_SECONDS = 15 * 60
export const REFRESH_TOKEN_MS = 30 * 24 * 3600 * 1000
/** Claims every access token must carry; `fam` is its refresh-token family, so revoking the family ends it. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'fam']
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

export interface NewAccount {
  email: string
  password: string
  name: string
}

/** What an invitation answers, the same whether the e-mail has an account or not (no enumeration). */
export interface InviteResult {
  email: string
  role: Role
}

export interface AccountServiceOptions {
  repository: AccountRepository
  jwtSecret: Uint8Array
  clock: () => number
  /** `closed` turns off self-registration after first-run setup (`NEXUS_REGISTRATION=closed`). */
  registration: 'open' | 'closed'
  /** Where `member_added` (anchored to the Workspace) and `logout` (to the User) go; the kernel passes its own. */
  telemetry?: Trilog
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
  /** Login and registration attempts, counted in the database (see `AuthThrottle`). */
  private readonly throttle: AuthThrottle
  private readonly accessListeners = new Set<(change: AccessChange) => void>()

  constructor(private readonly options: AccountServiceOptions) {
    this.repo = options.repository
    this.clock = options.clock
    this.throttle = new AuthThrottle(options.repository, options.clock)
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
  async setup(input: NewAccount): Promise<Session> {
    if (!(await this.setupRequired())) {
      throw new KernelError('SETUP_DONE', 'Nexus is already set up; log in instead', 409)
    }
    checkPassword(input.password, input.email)
    return this.createAccount(input, true)
  }

  /**
   * Self-registration; pending invitations for the e-mail become memberships. `clientAddress` is counted for
   * the per-address limit: the HTTP route always gives it; in-process callers (tests, tools) have none.
   */
  async register(input: NewAccount, clientAddress?: string): Promise<Session> {
    const first = await this.setupRequired()
    if (!first && this.options.registration === 'closed') {
      throw new KernelError(
        'REGISTRATION_CLOSED',
        'Registration is closed on this server; ask an owner for an account',
        403,
      )
    }
    checkPassword(input.password, input.email)
    // Counted after the cheap checks, before the slow hash; the first account (setup) is not counted.
    if (!first && clientAddress !== undefined) await this.throttle.reserveRegistration(clientAddress)
    return this.createAccount(input, first)
  }

  private async createAccount(input: NewAccount, first: boolean): Promise<Session> {
    const email = input.email.trim().toLowerCase()
    const now = this.clock()
    // Hashed before the e-mail is looked at, so a taken e-mail answers no faster than a free one.
    const user: User = {
      id: newId(),
      email,
      name: input.name.trim() || email,
      passwordHash: await argonHash(input.password),
      tokenVersion: 0,
      createdAt: now,
    }
    const workspace: Workspace = { id: newId(), name: `${user.name}'s workspace`, createdAt: now }
    if (!(await this.repo.createUserWithWorkspace(user, workspace, first))) {
      // The message does not say the e-mail has an account (the rate limit bounds what the code reveals).
      throw new KernelError(
        'REGISTRATION_FAILED',
        'Could not register with these details; if you already have an account, log in',
        409,
      )
    }
    // Its own workspace (owner) and every pending invitation that became a membership.
    if (this.options.telemetry)
      for (const joined of await this.repo.listWorkspaces(user.id)) this.memberAdded(joined.id, user.id, joined.role)
    return this.issueSession(user)
  }

  /**
   * Counts the attempt before verifying (see `AuthThrottle`), so parallel guesses cannot outrun the limit;
   * a success forgets the failures of this e-mail from this address.
   */
  async login(email: string, password: string, clientAddress: string): Promise<Session> {
    const normalized = email.trim().toLowerCase()
    await this.throttle.reserveLogin(normalized, clientAddress)
    const user = await this.repo.findUserByEmail(normalized)
    // Verify against a dummy hash for unknown e-mails too, so timing does not reveal which accounts exist.
    const ok = await argonVerify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false)
    if (!user || !ok) throw new KernelError('INVALID_CREDENTIALS', 'Wrong e-mail or password', 401)
    await this.throttle.loginSucceeded(normalized, clientAddress)
    return this.issueSession(user)
  }

  private async issueSession(user: User, familyId = newId()): Promise<Session> {
    const now = this.clock()
    const accessToken = await new SignJWT({ tv: user.tokenVersion, fam: familyId })
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

  /**
   * Rotates a refresh token. A token used twice means it was stolen: its whole family is revoked, which also
   * ends the access tokens issued to it. The successor is stored before the old token is marked used, so the
   * family always has a live token and its access tokens keep working through a rotation.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const now = this.clock()
    const stored = await this.repo.findRefreshToken(sha256(refreshToken))
    if (!stored || stored.expiresAt <= now) throw unauthenticated('Your session has expired; log in again')
    const user = stored.revokedAt === null ? await this.repo.findUserById(stored.userId) : undefined
    const session = user && (await this.issueSession(user, stored.familyId))
    if (!session || !(await this.repo.revokeRefreshToken(stored.hash, now))) {
      await this.repo.revokeFamily(stored.familyId, now)
      this.accessChanged({ userId: stored.userId, reason: 'sessions' })
      throw unauthenticated('This session was already refreshed elsewhere; log in again')
    }
    return session
  }

  /** Ends the session of `refreshToken`: its family is revoked, with the access tokens issued to it. */
  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return
    const stored = await this.repo.findRefreshToken(sha256(refreshToken))
    if (!stored) return
    await this.repo.revokeFamily(stored.familyId, this.clock())
    this.accessChanged({ userId: stored.userId, reason: 'sessions' })
    this.loggedOut(stored.userId, false)
  }

  /** Ends every session of the user: refresh tokens revoked, access tokens invalidated by version. */
  async logoutEverywhere(userId: string): Promise<void> {
    await this.repo.revokeAllRefreshTokens(userId, this.clock())
    await this.repo.bumpTokenVersion(userId)
    this.accessChanged({ userId, reason: 'sessions' })
    this.loggedOut(userId, true)
  }

  /** The User's `logout` event in TriLog. */
  private loggedOut(userId: string, everywhere: boolean): void {
    const telemetry = this.options.telemetry
    telemetry?.anchor({ type: 'User', id: userId }, () => telemetry.event('logout', everywhere ? { everywhere } : {}))
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
        requiredClaims: REQUIRED_CLAIMS,
        maxTokenAge: ACCESS_TOKEN_SECONDS,
      })
      const found =
        typeof payload.fam === 'string' ? await this.repo.findSessionUser(payload.sub!, payload.fam) : undefined
      if (!found?.familyLive || payload.tv !== found.user.tokenVersion) {
        throw unauthenticated('This session has ended; log in again')
      }
      return { userId: found.user.id, via: 'session' }
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
    this.accessChanged({ userId, reason: 'apiKey', apiKeyId: id })
  }

  /** The members of a workspace; owners also see the pending invitations. */
  async listMembers(
    principal: Principal,
    workspaceId: string,
  ): Promise<{ members: Member[]; invitations?: Invitation[] }> {
    const role = await this.requireRole(principal, workspaceId, 'viewer')
    const members = await this.repo.listMembers(workspaceId)
    return role === 'owner' ? { members, invitations: await this.repo.listInvitations(workspaceId) } : { members }
  }

  /**
   * Adds the account of `email` to the workspace, or, when there is none, keeps an invitation that becomes a
   * membership when the e-mail registers. Both answer alike, so inviting cannot tell which e-mails have accounts.
   */
  async inviteMember(principal: Principal, workspaceId: string, email: string, role: Role): Promise<InviteResult> {
    await this.requireRole(principal, workspaceId, 'owner')
    const normalized = email.trim().toLowerCase()
    const user = await this.repo.findUserByEmail(normalized)
    const now = this.clock()
    if (!user) {
      await this.repo.upsertInvitation(workspaceId, {
        email: normalized,
        role,
        invitedBy: principal.userId,
        createdAt: now,
      })
    } else if (!(await this.repo.addMember(workspaceId, user.id, role, now))) {
      throw new KernelError('ALREADY_MEMBER', `${normalized} is already a member; change their role instead`, 409)
    } else this.memberAdded(workspaceId, user.id, role)
    return { email: normalized, role }
  }

  /** A new workspace owned by `userId`; its owner's membership is recorded like any other (`member_added`). */
  async createWorkspace(userId: string, name: string): Promise<Workspace & { role: 'owner' }> {
    const workspace: Workspace = { id: newId(), name, createdAt: this.clock() }
    await this.repo.createWorkspace(workspace, userId)
    this.memberAdded(workspace.id, userId, 'owner')
    return { ...workspace, role: 'owner' }
  }

  /** The Workspace's `member_added` event in TriLog, once the membership is committed. */
  private memberAdded(workspaceId: string, userId: string, role: Role): void {
    const telemetry = this.options.telemetry
    telemetry?.anchor({ type: 'Workspace', id: workspaceId }, () => telemetry.event('member_added', { userId, role }))
  }

  /** Withdraws a pending invitation (owners). */
  async cancelInvitation(principal: Principal, workspaceId: string, email: string): Promise<void> {
    await this.requireRole(principal, workspaceId, 'owner')
    if (!(await this.repo.deleteInvitation(workspaceId, email.trim().toLowerCase()))) {
      throw new KernelError('NOT_FOUND', 'There is no pending invitation for that e-mail in this workspace', 404)
    }
  }

  /** Changes a member's role (owners); open connections of that member re-check what they may still see. */
  async setMemberRole(principal: Principal, workspaceId: string, userId: string, role: Role): Promise<void> {
    await this.requireRole(principal, workspaceId, 'owner')
    if (!(await this.repo.setRole(workspaceId, userId, role)))
      throw memberRefused(await this.repo.roleOf(workspaceId, userId))
    this.accessChanged({ userId, reason: 'membership', workspaceId })
  }

  /** Removes a member (owners), or the caller themselves (anyone may leave); never the last owner. */
  async removeMember(principal: Principal, workspaceId: string, userId: string): Promise<void> {
    await this.requireRole(principal, workspaceId, principal.userId === userId ? 'viewer' : 'owner')
    if (!(await this.repo.removeMember(workspaceId, userId)))
      throw memberRefused(await this.repo.roleOf(workspaceId, userId))
    this.accessChanged({ userId, reason: 'membership', workspaceId })
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

function memberRefused(role: Role | undefined): KernelError {
  return role === undefined
    ? new KernelError('NOT_FOUND', 'That user is not a member of this workspace', 404)
    : new KernelError('LAST_OWNER', 'A workspace needs at least one owner; make someone else owner first', 409)
}

// argon2id hash of a random string, used to keep login timing equal for unknown accounts.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$2mN0MpeTRlPHtbRqJuqo6A$j8+JoBFAhBhi9eMsVDP3dHr0SbVEf8HUkRMTLSBcLCk'

import { sql } from 'drizzle-orm'
import { num, numOrNull, type SqlRunner } from '../db/SqlRunner.ts'
import type { Role } from './roles.ts'

export interface User {
  id: string
  email: string
  name: string
  passwordHash: string
  tokenVersion: number
  createdAt: number
}

export interface RefreshToken {
  hash: string
  userId: string
  familyId: string
  expiresAt: number
  revokedAt: number | null
}

export interface ApiKey {
  id: string
  userId: string
  name: string
  secretHash: string
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

export interface Workspace {
  id: string
  name: string
  createdAt: number
}

export interface Member {
  userId: string
  email: string
  name: string
  role: Role
}

/** A workspace invitation for an e-mail with no account yet; it becomes a membership when the e-mail registers. */
export interface Invitation {
  email: string
  role: Role
  invitedBy: string
  createdAt: number
}

type Row = Record<string, unknown>

function toUser(r: Row): User {
  return {
    id: String(r.id),
    email: String(r.email),
    name: String(r.name),
    passwordHash: String(r.password_hash),
    tokenVersion: num(r.token_version),
    createdAt: num(r.created_at),
  }
}

/** Users, tokens, API keys, workspaces and memberships: written once in SQL both databases accept. */
export class AccountRepository {
  constructor(private readonly db: SqlRunner) {}

  async countUsers(): Promise<number> {
    const [row] = await this.db.all<Row>(sql`select count(*) as n from users`)
    return num(row?.n)
  }

  async findUserByEmail(email: string): Promise<User | undefined> {
    const [row] = await this.db.all<Row>(sql`select * from users where email = ${email}`)
    return row && toUser(row)
  }

  async findUserById(id: string): Promise<User | undefined> {
    const [row] = await this.db.all<Row>(sql`select * from users where id = ${id}`)
    return row && toUser(row)
  }

  /**
   * The user an access token names, and whether its refresh family still has a live token: one query, the
   * family part through the `refresh_tokens_family` index. A revoked family (logout, replay) ends its tokens.
   */
  async findSessionUser(userId: string, familyId: string): Promise<{ user: User; familyLive: boolean } | undefined> {
    const [row] = await this.db.all<Row>(sql`select u.*, exists (select 1 from refresh_tokens r
        where r.family_id = ${familyId} and r.user_id = u.id and r.revoked_at is null) as family_live
      from users u where u.id = ${userId}`)
    return row && { user: toUser(row), familyLive: num(row.family_live) === 1 }
  }

  /**
   * Creates a user with a workspace they own, atomically; pending invitations for the e-mail become
   * memberships, and `adoptOrphans` moves workspace-less panels in. False when the e-mail is already taken.
   */
  async createUserWithWorkspace(user: User, workspace: Workspace, adoptOrphans: boolean): Promise<boolean> {
    const statements = [
      sql`insert into users (id, email, name, password_hash, token_version, created_at)
          values (${user.id}, ${user.email}, ${user.name}, ${user.passwordHash}, 0, ${user.createdAt})`,
      ...this.workspaceStatements(workspace, user.id),
      sql`insert into memberships (workspace_id, user_id, role, created_at)
          select workspace_id, ${user.id}, role, ${user.createdAt} from invitations where email = ${user.email}`,
      sql`delete from invitations where email = ${user.email}`,
    ]
    if (adoptOrphans) statements.push(sql`update panels set workspace_id = ${workspace.id} where workspace_id is null`)
    try {
      await this.db.batch(statements)
      return true
    } catch (error) {
      // Two registrations of one e-mail at once: the second breaks the unique e-mail and rolls back.
      if (await this.findUserByEmail(user.email)) return false
      throw error
    }
  }

  async bumpTokenVersion(userId: string): Promise<void> {
    await this.db.run(sql`update users set token_version = token_version + 1 where id = ${userId}`)
  }

  async insertRefreshToken(token: RefreshToken & { createdAt: number }): Promise<void> {
    await this.db.run(sql`insert into refresh_tokens (hash, user_id, family_id, expires_at, revoked_at, created_at)
      values (${token.hash}, ${token.userId}, ${token.familyId}, ${token.expiresAt}, null, ${token.createdAt})`)
  }

  async findRefreshToken(hash: string): Promise<RefreshToken | undefined> {
    const [r] = await this.db.all<Row>(sql`select * from refresh_tokens where hash = ${hash}`)
    if (!r) return undefined
    return {
      hash: String(r.hash),
      userId: String(r.user_id),
      familyId: String(r.family_id),
      expiresAt: num(r.expires_at),
      revokedAt: numOrNull(r.revoked_at),
    }
  }

  /** Marks a token used; false when it was already revoked (a replay). */
  async revokeRefreshToken(hash: string, now: number): Promise<boolean> {
    return (
      (await this.db.run(
        sql`update refresh_tokens set revoked_at = ${now} where hash = ${hash} and revoked_at is null`,
      )) === 1
    )
  }

  async revokeFamily(familyId: string, now: number): Promise<void> {
    await this.db.run(
      sql`update refresh_tokens set revoked_at = ${now} where family_id = ${familyId} and revoked_at is null`,
    )
  }

  async revokeAllRefreshTokens(userId: string, now: number): Promise<void> {
    await this.db.run(
      sql`update refresh_tokens set revoked_at = ${now} where user_id = ${userId} and revoked_at is null`,
    )
  }

  async insertApiKey(key: ApiKey): Promise<void> {
    await this.db.run(sql`insert into api_keys (id, user_id, name, secret_hash, created_at, last_used_at, revoked_at)
      values (${key.id}, ${key.userId}, ${key.name}, ${key.secretHash}, ${key.createdAt}, null, null)`)
  }

  async findApiKey(id: string): Promise<ApiKey | undefined> {
    const [r] = await this.db.all<Row>(sql`select * from api_keys where id = ${id}`)
    if (!r) return undefined
    return {
      id: String(r.id),
      userId: String(r.user_id),
      name: String(r.name),
      secretHash: String(r.secret_hash),
      createdAt: num(r.created_at),
      lastUsedAt: numOrNull(r.last_used_at),
      revokedAt: numOrNull(r.revoked_at),
    }
  }

  async listApiKeys(userId: string): Promise<Omit<ApiKey, 'secretHash' | 'userId'>[]> {
    const rows = await this.db.all<Row>(
      sql`select id, name, created_at, last_used_at, revoked_at from api_keys where user_id = ${userId} order by created_at`,
    )
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      createdAt: num(r.created_at),
      lastUsedAt: numOrNull(r.last_used_at),
      revokedAt: numOrNull(r.revoked_at),
    }))
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    await this.db.run(sql`update api_keys set last_used_at = ${now} where id = ${id}`)
  }

  async revokeApiKey(id: string, userId: string, now: number): Promise<boolean> {
    return (
      (await this.db.run(
        sql`update api_keys set revoked_at = ${now} where id = ${id} and user_id = ${userId} and revoked_at is null`,
      )) === 1
    )
  }

  async createWorkspace(workspace: Workspace, ownerId: string): Promise<void> {
    await this.db.batch(this.workspaceStatements(workspace, ownerId))
  }

  private workspaceStatements(workspace: Workspace, ownerId: string) {
    return [
      sql`insert into workspaces (id, name, created_at) values (${workspace.id}, ${workspace.name}, ${workspace.createdAt})`,
      sql`insert into memberships (workspace_id, user_id, role, created_at)
          values (${workspace.id}, ${ownerId}, 'owner', ${workspace.createdAt})`,
    ]
  }

  async listWorkspaces(userId: string): Promise<(Workspace & { role: Role })[]> {
    const rows = await this.db.all<Row>(sql`select w.id, w.name, w.created_at, m.role from workspaces w
      join memberships m on m.workspace_id = w.id where m.user_id = ${userId} order by w.created_at`)
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      createdAt: num(r.created_at),
      role: r.role as Role,
    }))
  }

  async findWorkspace(id: string): Promise<Workspace | undefined> {
    const [r] = await this.db.all<Row>(sql`select * from workspaces where id = ${id}`)
    return r && { id: String(r.id), name: String(r.name), createdAt: num(r.created_at) }
  }

  async roleOf(workspaceId: string, userId: string): Promise<Role | undefined> {
    const [r] = await this.db.all<Row>(
      sql`select role from memberships where workspace_id = ${workspaceId} and user_id = ${userId}`,
    )
    return r?.role as Role | undefined
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    const rows = await this.db.all<Row>(sql`select u.id, u.email, u.name, m.role from memberships m
      join users u on u.id = m.user_id where m.workspace_id = ${workspaceId} order by m.created_at`)
    return rows.map((r) => ({
      userId: String(r.id),
      email: String(r.email),
      name: String(r.name),
      role: r.role as Role,
    }))
  }

  /** Pending invitations of a workspace, oldest first. */
  async listInvitations(workspaceId: string): Promise<Invitation[]> {
    const rows = await this.db.all<Row>(sql`select email, role, invited_by, created_at from invitations
      where workspace_id = ${workspaceId} order by created_at`)
    return rows.map((r) => ({
      email: String(r.email),
      role: r.role as Role,
      invitedBy: String(r.invited_by),
      createdAt: num(r.created_at),
    }))
  }

  /** Invites an e-mail with no account yet; inviting it again changes the role. */
  async upsertInvitation(workspaceId: string, invitation: Invitation): Promise<void> {
    await this.db.run(sql`insert into invitations (workspace_id, email, role, invited_by, created_at)
      values (${workspaceId}, ${invitation.email}, ${invitation.role}, ${invitation.invitedBy}, ${invitation.createdAt})
      on conflict (workspace_id, email) do update set role = excluded.role, invited_by = excluded.invited_by`)
  }

  async deleteInvitation(workspaceId: string, email: string): Promise<boolean> {
    return (
      (await this.db.run(sql`delete from invitations where workspace_id = ${workspaceId} and email = ${email}`)) === 1
    )
  }

  async addMember(workspaceId: string, userId: string, role: Role, now: number): Promise<boolean> {
    return (
      (await this.db.run(sql`insert into memberships (workspace_id, user_id, role, created_at)
        values (${workspaceId}, ${userId}, ${role}, ${now}) on conflict (workspace_id, user_id) do nothing`)) === 1
    )
  }

  /** Changes a role unless that would leave the workspace without an owner; false when refused or absent. */
  async setRole(workspaceId: string, userId: string, role: Role): Promise<boolean> {
    return (
      (await this.db.run(sql`update memberships set role = ${role}
        where workspace_id = ${workspaceId} and user_id = ${userId}
          and (role <> 'owner' or ${role} = 'owner'
               or (select count(*) from memberships where workspace_id = ${workspaceId} and role = 'owner') > 1)`)) ===
      1
    )
  }

  /** Removes a member unless they are the last owner; false when refused or absent. */
  async removeMember(workspaceId: string, userId: string): Promise<boolean> {
    return (
      (await this.db.run(sql`delete from memberships
        where workspace_id = ${workspaceId} and user_id = ${userId}
          and (role <> 'owner'
               or (select count(*) from memberships where workspace_id = ${workspaceId} and role = 'owner') > 1)`)) ===
      1
    )
  }

  /**
   * Counts one attempt on a throttle `key` atomically (one upsert, so parallel attempts cannot all see the old
   * count), starting a new window once the old one is `windowMs` old. Resolves with the count and window start.
   */
  async bumpThrottle(key: string, now: number, windowMs: number): Promise<{ count: number; windowStart: number }> {
    const expired = now - windowMs
    const [row] = await this.db.all<Row>(sql`insert into auth_throttle (key, window_start, count)
      values (${key}, ${now}, 1)
      on conflict (key) do update set
        window_start = case when auth_throttle.window_start <= ${expired} then excluded.window_start
                            else auth_throttle.window_start end,
        count = case when auth_throttle.window_start <= ${expired} then 1 else auth_throttle.count + 1 end
      returning count, window_start`)
    return { count: num(row?.count), windowStart: num(row?.window_start) }
  }

  /** Takes back one counted attempt (a login that succeeded). */
  async releaseThrottle(key: string): Promise<void> {
    await this.db.run(sql`update auth_throttle set count = count - 1 where key = ${key} and count > 0`)
  }

  async resetThrottle(key: string): Promise<void> {
    await this.db.run(sql`delete from auth_throttle where key = ${key}`)
  }

  /** Drops windows older than `before`, so the table holds only keys seen recently. */
  async pruneThrottle(before: number): Promise<void> {
    await this.db.run(sql`delete from auth_throttle where window_start < ${before}`)
  }
}

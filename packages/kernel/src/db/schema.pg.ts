import { bigint, bigserial, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'

// Mirrors schema.sqlite.ts column for column; millisecond timestamps need bigint here.

export const panels = pgTable('panels', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  nxml: text('nxml').notNull(),
  state: text('state').notNull(),
  version: integer('version').notNull(),
  workspaceId: text('workspace_id'),
  /** Soft delete: set when moved to the trash, cleared on restore. */
  deletedAt: bigint('deleted_at', { mode: 'number' }),
  /** Position and size on the canvas, in grid units. */
  x: integer('x').notNull().default(0),
  y: integer('y').notNull().default(0),
  w: integer('w').notNull().default(4),
  h: integer('h').notNull().default(4),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
})

export const panelChanges = pgTable(
  'panel_changes',
  {
    panelId: text('panel_id')
      .notNull()
      .references(() => panels.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    ops: text('ops').notNull(),
    tool: text('tool').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.panelId, t.version] }), index('panel_changes_ts').on(t.panelId, t.ts)],
)

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** Bumped by "log out everywhere": access tokens carry it and die with it. */
  tokenVersion: integer('token_version').notNull().default(0),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
})

/** Rotating refresh tokens, stored hashed; a reused (already rotated) token revokes its whole family. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    hash: text('hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: text('family_id').notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('refresh_tokens_user').on(t.userId), index('refresh_tokens_family').on(t.familyId)],
)

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** SHA-256 of the secret part: keys are long random strings, so a fast hash is enough. */
  secretHash: text('secret_hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  lastUsedAt: bigint('last_used_at', { mode: 'number' }),
  revokedAt: bigint('revoked_at', { mode: 'number' }),
})

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
})

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | editor | viewer */
    role: text('role').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user').on(t.userId)],
)

// NOG (Nexus Object Graph, DESIGN.md §5): mirrors the NOG block of schema.sqlite.ts.
// Imported here rather than on line 1 so the NOG tables stay one appended block.
import { doublePrecision } from 'drizzle-orm/pg-core'

export const nogEntities = pgTable(
  'nog_entities',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    description: text('description').notNull(),
    /** JSON array of strings. */
    tags: text('tags').notNull(),
    /** JSON object. */
    properties: text('properties').notNull(),
    sourcePanel: text('source_panel'),
    /** user | ai | derived (from NXML, owned by the panel sync). */
    source: text('source').notNull(),
    version: integer('version').notNull(),
    /** JSON `{field: [entityVersion, graphVersion]}`: when each field last changed, for rebasing stale edits. */
    fieldVersions: text('field_versions').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('nog_entities_panel').on(t.workspaceId, t.sourcePanel)],
)

export const nogRelationships = pgTable(
  'nog_relationships',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    fromId: text('from_id').notNull(),
    toId: text('to_id').notNull(),
    type: text('type').notNull(),
    strength: doublePrecision('strength').notNull(),
    confidence: doublePrecision('confidence').notNull(),
    source: text('source').notNull(),
    version: integer('version').notNull(),
    fieldVersions: text('field_versions').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('nog_relationships_from').on(t.workspaceId, t.fromId),
    index('nog_relationships_to').on(t.workspaceId, t.toId),
  ],
)

/** One row per workspace: the graph version, bumped by every applied change. */
export const nogVersions = pgTable('nog_versions', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
})

/** Proposed changes: pending → approved | rejected → applied | failed | expired. */
export const nogPatches = pgTable(
  'nog_patches',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    /** user | ai | sync */
    source: text('source').notNull(),
    author: text('author'),
    summary: text('summary').notNull(),
    baseVersion: integer('base_version').notNull(),
    /** JSON array of operations. */
    ops: text('ops').notNull(),
    reason: text('reason'),
    reviewedBy: text('reviewed_by'),
    appliedVersion: integer('applied_version'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('nog_patches_workspace').on(t.workspaceId, t.status)],
)

/** `nexus.storage`: a small key/value store per panel. */
export const panelStorage = pgTable(
  'panel_storage',
  {
    panelId: text('panel_id').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.panelId, t.key] })],
)

/** Failed-login counters per key (`pair:<email>|<ip>`, `ip:<ip>`, `email:<email>`), kept across restarts. */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  windowStart: bigint('window_start', { mode: 'number' }).notNull(),
  count: integer('count').notNull(),
})

/** Invitations to a workspace for an e-mail that has no account yet; applied when it registers. */
export const invitations = pgTable(
  'invitations',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.email] }), index('invitations_email').on(t.email)],
)

/**
 * TriLog events written in the same transaction as the change they describe, deleted once TriLog has stored
 * them: after a crash, the kernel relays what is left, so history never misses an acknowledged change.
 */
export const trilogOutbox = pgTable('trilog_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  event: text('event').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
})

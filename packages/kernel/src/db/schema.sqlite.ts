import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// Kept portable: text, integers and JSON as text, so the PostgreSQL schema mirrors it column for column.

export const panels = sqliteTable('panels', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  nxml: text('nxml').notNull(),
  /** Current state as JSON text. */
  state: text('state').notNull(),
  version: integer('version').notNull(),
  /** Null only for panels made before workspaces existed; the first owner adopts them. */
  workspaceId: text('workspace_id'),
  /** Soft delete: set when moved to the trash, cleared on restore. */
  deletedAt: integer('deleted_at'),
  /** Position and size on the canvas, in grid units. */
  x: integer('x').notNull().default(0),
  y: integer('y').notNull().default(0),
  w: integer('w').notNull().default(4),
  h: integer('h').notNull().default(4),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** Every applied change, so a client that reconnects gets exactly what it missed. */
export const panelChanges = sqliteTable(
  'panel_changes',
  {
    panelId: text('panel_id')
      .notNull()
      .references(() => panels.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** RFC 6902 operations as JSON text. */
    ops: text('ops').notNull(),
    tool: text('tool').notNull(),
    ts: integer('ts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.panelId, t.version] }), index('panel_changes_ts').on(t.panelId, t.ts)],
)

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** Bumped by "log out everywhere": access tokens carry it and die with it. */
  tokenVersion: integer('token_version').notNull().default(0),
  createdAt: integer('created_at').notNull(),
})

/** Rotating refresh tokens, stored hashed; a reused (already rotated) token revokes its whole family. */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    hash: text('hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: text('family_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('refresh_tokens_user').on(t.userId), index('refresh_tokens_family').on(t.familyId)],
)

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** SHA-256 of the secret part: keys are long random strings, so a fast hash is enough. */
  secretHash: text('secret_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
})

export const workspaces = sqliteTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
})

export const memberships = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user').on(t.userId)],
)

// NOG (Nexus Object Graph, DESIGN.md §5): entities, typed relationships, the graph version and patches.
// Imported here rather than on line 1 so the NOG tables stay one appended block.
import { real } from 'drizzle-orm/sqlite-core'

export const nogEntities = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('nog_entities_panel').on(t.workspaceId, t.sourcePanel)],
)

export const nogRelationships = sqliteTable(
  'nog_relationships',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    fromId: text('from_id').notNull(),
    toId: text('to_id').notNull(),
    type: text('type').notNull(),
    strength: real('strength').notNull(),
    confidence: real('confidence').notNull(),
    source: text('source').notNull(),
    version: integer('version').notNull(),
    fieldVersions: text('field_versions').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('nog_relationships_from').on(t.workspaceId, t.fromId),
    index('nog_relationships_to').on(t.workspaceId, t.toId),
  ],
)

/** One row per workspace: the graph version, bumped by every applied change. */
export const nogVersions = sqliteTable('nog_versions', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
})

/** Proposed changes: pending → approved | rejected → applied | failed | expired. */
export const nogPatches = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('nog_patches_workspace').on(t.workspaceId, t.status)],
)

/** `nexus.storage`: a small key/value store per panel. */
export const panelStorage = sqliteTable(
  'panel_storage',
  {
    panelId: text('panel_id').notNull(),
    key: text('key').notNull(),
    /** JSON text. */
    value: text('value').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.panelId, t.key] })],
)

/** Failed-login counters per key (`pair:<email>|<ip>`, `ip:<ip>`, `email:<email>`), kept across restarts. */
export const authThrottle = sqliteTable('auth_throttle', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
})

/** Invitations to a workspace for an e-mail that has no account yet; applied when it registers. */
export const invitations = sqliteTable(
  'invitations',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.email] }), index('invitations_email').on(t.email)],
)

/**
 * TriLog events written in the same transaction as the change they describe, deleted once TriLog has stored
 * them: after a crash, the kernel relays what is left, so history never misses an acknowledged change.
 */
export const trilogOutbox = sqliteTable('trilog_outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** The TriLog event as JSON text. */
  event: text('event').notNull(),
  createdAt: integer('created_at').notNull(),
})

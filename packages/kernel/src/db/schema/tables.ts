import { integer, real, serial, table, text, timestamp } from './columns.ts'

// The one description of the kernel's tables; `schema.sqlite.ts` and `schema.pg.ts` build them per dialect.
// Portable on purpose: text, integers, JSON as text, and millisecond timestamps (bigint in PostgreSQL).

export const panels = table('panels', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  nxml: text('nxml').notNull(),
  /** Current state as JSON text. */
  state: text('state').notNull(),
  version: integer('version').notNull(),
  /** Null only for panels made before workspaces existed; the first owner adopts them. */
  workspaceId: text('workspace_id'),
  /** Soft delete: set when moved to the trash, cleared on restore. */
  deletedAt: timestamp('deleted_at'),
  /** Position and size on the canvas, in grid units. */
  x: integer('x').notNull().default(0),
  y: integer('y').notNull().default(0),
  w: integer('w').notNull().default(4),
  h: integer('h').notNull().default(4),
  createdAt: timestamp('created_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
})

/** Every applied change, so a client that reconnects gets exactly what it missed. */
export const panelChanges = table(
  'panel_changes',
  {
    panelId: text('panel_id').notNull().references('panels', 'id'),
    version: integer('version').notNull(),
    /** RFC 6902 operations as JSON text. */
    ops: text('ops').notNull(),
    tool: text('tool').notNull(),
    ts: timestamp('ts').notNull(),
  },
  { primaryKey: ['panelId', 'version'], indexes: { panel_changes_ts: ['panelId', 'ts'] } },
)

export const users = table('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  /** Bumped by "log out everywhere": access tokens carry it and die with it. */
  tokenVersion: integer('token_version').notNull().default(0),
  createdAt: timestamp('created_at').notNull(),
})

/** Rotating refresh tokens, stored hashed; a reused (already rotated) token revokes its whole family. */
export const refreshTokens = table(
  'refresh_tokens',
  {
    hash: text('hash').primaryKey(),
    userId: text('user_id').notNull().references('users', 'id'),
    familyId: text('family_id').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
    revokedAt: timestamp('revoked_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  { indexes: { refresh_tokens_user: ['userId'], refresh_tokens_family: ['familyId'] } },
)

export const apiKeys = table('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references('users', 'id'),
  name: text('name').notNull(),
  /** SHA-256 of the secret part: keys are long random strings, so a fast hash is enough. */
  secretHash: text('secret_hash').notNull(),
  createdAt: timestamp('created_at').notNull(),
  lastUsedAt: timestamp('last_used_at'),
  revokedAt: timestamp('revoked_at'),
})

export const workspaces = table('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at').notNull(),
})

export const memberships = table(
  'memberships',
  {
    workspaceId: text('workspace_id').notNull().references('workspaces', 'id'),
    userId: text('user_id').notNull().references('users', 'id'),
    /** owner | editor | viewer */
    role: text('role').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  { primaryKey: ['workspaceId', 'userId'], indexes: { memberships_user: ['userId'] } },
)

// NOG (Nexus Object Graph, DESIGN.md §5): entities, typed relationships, the graph version and patches.

export const nogEntities = table(
  'nog_entities',
  {
    workspaceId: text('workspace_id').notNull().references('workspaces', 'id'),
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
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  { primaryKey: ['workspaceId', 'id'], indexes: { nog_entities_panel: ['workspaceId', 'sourcePanel'] } },
)

export const nogRelationships = table(
  'nog_relationships',
  {
    workspaceId: text('workspace_id').notNull().references('workspaces', 'id'),
    id: text('id').notNull(),
    fromId: text('from_id').notNull(),
    toId: text('to_id').notNull(),
    type: text('type').notNull(),
    strength: real('strength').notNull(),
    confidence: real('confidence').notNull(),
    source: text('source').notNull(),
    version: integer('version').notNull(),
    fieldVersions: text('field_versions').notNull(),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  {
    primaryKey: ['workspaceId', 'id'],
    indexes: {
      nog_relationships_from: ['workspaceId', 'fromId'],
      nog_relationships_to: ['workspaceId', 'toId'],
    },
  },
)

/** One row per workspace: the graph version, bumped by every applied change. */
export const nogVersions = table('nog_versions', {
  workspaceId: text('workspace_id').primaryKey().references('workspaces', 'id'),
  version: integer('version').notNull(),
})

/** Proposed changes: pending → approved | rejected → applied | failed | expired. */
export const nogPatches = table(
  'nog_patches',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull().references('workspaces', 'id'),
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
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    expiresAt: timestamp('expires_at').notNull(),
  },
  { indexes: { nog_patches_workspace: ['workspaceId', 'status'] } },
)

/** `nexus.storage`: a small key/value store per panel. */
export const panelStorage = table(
  'panel_storage',
  {
    panelId: text('panel_id').notNull(),
    key: text('key').notNull(),
    /** JSON text. */
    value: text('value').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  { primaryKey: ['panelId', 'key'] },
)

/** Failed-login counters per key (`pair:<email>|<ip>`, `ip:<ip>`, `email:<email>`), kept across restarts. */
export const authThrottle = table('auth_throttle', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start').notNull(),
  count: integer('count').notNull(),
})

/** Invitations to a workspace for an e-mail that has no account yet; applied when it registers. */
export const invitations = table(
  'invitations',
  {
    workspaceId: text('workspace_id').notNull().references('workspaces', 'id'),
    email: text('email').notNull(),
    role: text('role').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  { primaryKey: ['workspaceId', 'email'], indexes: { invitations_email: ['email'] } },
)

/**
 * TriLog events written in the same transaction as the change they describe, deleted once TriLog has stored
 * them: after a crash, the kernel relays what is left, so history never misses an acknowledged change.
 */
export const trilogOutbox = table('trilog_outbox', {
  id: serial('id'),
  /** The TriLog event as JSON text. */
  event: text('event').notNull(),
  createdAt: timestamp('created_at').notNull(),
})

/** Every table, by the name the schemas export it under. */
export const TABLES = {
  panels,
  panelChanges,
  users,
  refreshTokens,
  apiKeys,
  workspaces,
  memberships,
  nogEntities,
  nogRelationships,
  nogVersions,
  nogPatches,
  panelStorage,
  authThrottle,
  invitations,
  trilogOutbox,
}

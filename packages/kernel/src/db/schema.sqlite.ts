import { sqliteTables } from './schema/sqlite.ts'
import { TABLES } from './schema/tables.ts'

// Built from the one description in `schema/tables.ts`; the PostgreSQL twin is `schema.pg.ts`.
export const {
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
} = sqliteTables(TABLES)

import { pgTables } from './schema/pg.ts'
import { TABLES } from './schema/tables.ts'

// Built from the one description in `schema/tables.ts`; the SQLite twin is `schema.sqlite.ts`.
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
} = pgTables(TABLES)

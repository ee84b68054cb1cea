import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// Kept portable: text, integers and JSON as text, so the PostgreSQL schema mirrors it column for column.

export const panels = sqliteTable('panels', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  nxml: text('nxml').notNull(),
  /** Current state as JSON text. */
  state: text('state').notNull(),
  version: integer('version').notNull(),
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

export type PanelRow = typeof panels.$inferSelect

import { bigint, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'

// Mirrors schema.sqlite.ts column for column; millisecond timestamps need bigint here.

export const panels = pgTable('panels', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  nxml: text('nxml').notNull(),
  state: text('state').notNull(),
  version: integer('version').notNull(),
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

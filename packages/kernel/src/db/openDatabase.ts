import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.ts'

export type Db = BetterSQLite3Database<typeof schema>

const MIGRATIONS = fileURLToPath(new URL('../../drizzle/sqlite', import.meta.url))

/** Opens (creating if needed) `<dataDir>/nexus.db` and applies pending migrations. */
export function openDatabase(dataDir: string): { db: Db; close: () => void } {
  mkdirSync(dataDir, { recursive: true })
  const sqlite = new Database(join(dataDir, 'nexus.db'))
  // WAL keeps readers off the writer's back; synchronous=NORMAL is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder: MIGRATIONS })
  return { db, close: () => sqlite.close() }
}

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import type { PanelRepository } from './PanelRepository.ts'
import { pgRunner, sqliteRunner, type SqlRunner } from './SqlRunner.ts'
import { PgPanelRepository } from './PgPanelRepository.ts'
import * as pgSchema from './schema.pg.ts'
import * as sqliteSchema from './schema.sqlite.ts'
import { SqlitePanelRepository } from './SqlitePanelRepository.ts'
import { WalSync } from './WalSync.ts'
import { BACKSTOP_PAGES, Checkpointer } from './Checkpointer.ts'

export interface OpenDatabase {
  dialect: 'sqlite' | 'postgresql'
  panels: PanelRepository
  /** Plain SQL for repositories written once for both dialects. */
  sql: SqlRunner
  /** Resolves when the database answers a trivial query (for `/readyz`). */
  ping(): Promise<void>
  close(): Promise<void>
}

const MIGRATIONS = fileURLToPath(new URL('../../drizzle/', import.meta.url))

/**
 * PostgreSQL when `databaseUrl` is set (`DATABASE_URL`), otherwise SQLite at `<dataDir>/nexus.db`.
 * Pending migrations are applied before it resolves.
 */
export async function openDatabase(options: { dataDir: string; databaseUrl?: string }): Promise<OpenDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir)
}

function openSqlite(dataDir: string): OpenDatabase {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'nexus.db')
  const sqlite = new Database(file)
  // WAL keeps readers off the writer's back. Commits do not fsync in the event loop: each write resolves once
  // `WalSync` has fsynced the WAL (one fsync shared by every commit before it), so an acknowledged change
  // survives power loss too; NEXUS_SQLITE_SYNC=normal skips that fsync (fsyncs at checkpoints only: still
  // safe from process crashes and corruption).
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  // Checkpoints run on a worker's connection (`Checkpointer`), not inside the commit that crosses 1,000 pages.
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
  const wal = process.env.NEXUS_SQLITE_SYNC === 'normal' ? undefined : new WalSync(`${file}-wal`)
  const durable = wal ? () => wal.durable() : () => Promise.resolve()
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  reuseStatements(sqlite)
  const db = drizzleSqlite(sqlite, { schema: sqliteSchema })
  migrateSqlite(db, { migrationsFolder: join(MIGRATIONS, 'sqlite') })
  const checkpoints = new Checkpointer(file)
  return {
    dialect: 'sqlite',
    panels: new SqlitePanelRepository(db, durable),
    sql: sqliteRunner(db, durable),
    async ping() {
      sqlite.prepare('select 1').get()
    },
    async close() {
      await checkpoints.close()
      await wal?.close()
      sqlite.close()
    },
  }
}

/** Statements kept compiled, by SQL text; past this the oldest is dropped. */
const STATEMENT_CACHE = 256

/**
 * drizzle prepares every query it runs, so SQLite would compile the same few statements again for every
 * trigger; this keeps them compiled. Each is handed back in its default row mode (drizzle turns `raw` on
 * for the queries it maps itself).
 */
function reuseStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite)
  const cache = new Map<string, Database.Statement>()
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source)
    if (statement) {
      cache.delete(source) // re-inserted below: the map's order is the order of last use
    } else {
      statement = prepare(source)
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!)
    }
    cache.set(source, statement)
    if (statement.reader) statement.raw(false)
    return statement
  }) as typeof sqlite.prepare
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  const db = drizzlePg(pool, { schema: pgSchema })
  await migratePg(db, { migrationsFolder: join(MIGRATIONS, 'pg') })
  return {
    dialect: 'postgresql',
    panels: new PgPanelRepository(db),
    sql: pgRunner(db),
    async ping() {
      await pool.query('select 1')
    },
    async close() {
      await pool.end()
    },
  }
}

import type { SQL } from 'drizzle-orm'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'

/**
 * Plain SQL on either database, for repositories written once: queries are drizzle `sql` templates
 * (parameters bound per dialect) in the SQL both SQLite and PostgreSQL accept.
 */
export interface SqlRunner {
  all<T>(query: SQL): Promise<T[]>
  /** Runs a statement; resolves with the number of rows it changed. */
  run(query: SQL): Promise<number>
  /** Runs statements atomically: all or none. */
  batch(queries: SQL[]): Promise<void>
}

export function sqliteRunner(db: BetterSQLite3Database<Record<string, unknown>>): SqlRunner {
  return {
    async all<T>(query: SQL) {
      return db.all<T>(query)
    },
    async run(query) {
      return db.run(query).changes
    },
    async batch(queries) {
      db.transaction((tx) => {
        for (const q of queries) tx.run(q)
      })
    },
  }
}

export function pgRunner(db: NodePgDatabase<Record<string, unknown>>): SqlRunner {
  return {
    async all<T>(query: SQL) {
      return (await db.execute(query)).rows as T[]
    },
    async run(query) {
      return (await db.execute(query)).rowCount ?? 0
    },
    async batch(queries) {
      await db.transaction(async (tx) => {
        for (const q of queries) await tx.execute(q)
      })
    },
  }
}

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
  /** Runs statements atomically: all or none. Resolves with the number of rows each statement changed. */
  batch(queries: SQL[]): Promise<number[]>
}

/** A numeric column of a row from `all`: PostgreSQL returns bigint columns as strings, SQLite as numbers. */
export function num(v: unknown): number {
  return Number(v)
}

/** A nullable numeric column of a row from `all` (see `num`). */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

/** Writes resolve once `durable` says they are on disk (see `WalSync`). */
export function sqliteRunner(
  db: BetterSQLite3Database<Record<string, unknown>>,
  durable: () => Promise<void>,
): SqlRunner {
  return {
    async all<T>(query: SQL) {
      return db.all<T>(query)
    },
    async run(query) {
      const { changes } = db.run(query)
      await durable()
      return changes
    },
    async batch(queries) {
      const changed = db.transaction((tx) => queries.map((q) => tx.run(q).changes))
      await durable()
      return changed
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
      return db.transaction(async (tx) => {
        const changed: number[] = []
        for (const q of queries) changed.push((await tx.execute(q)).rowCount ?? 0)
        return changed
      })
    },
  }
}

import pg from 'pg'
import type { JsonObject } from '@nexus/protocol'
import { checkStatementText, refused } from './sqlGuard.ts'
import type { SqlConnection, SqlSource } from './sqlSource.ts'

/** Server-side limit per statement; the client gives up a little later, should the server not answer. */
const STATEMENT_TIMEOUT_MS = 5_000

/** Host, port and database of a connection string: what makes two of them the same database. */
function databaseOf(url: string): string {
  const u = new URL(url)
  const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username)
  return `${u.hostname.toLowerCase()}:${u.port || '5432'}/${database}`
}

/**
 * The statement as the extended protocol sends it even without values (the simple protocol would run
 * `select 1; set …` as two): `queryMode` is in pg since 8.12 but not in its type declarations.
 */
function extended(text: string, values: unknown[]): pg.QueryConfig {
  return { text, values, queryMode: 'extended' } as pg.QueryConfig
}

/**
 * A PostgreSQL source. The role in its URL is the real boundary (see docs/api.md: a role with only the
 * grants the source serves); on top of it every statement is one allowed DML statement sent through the
 * extended protocol (one statement only) inside its own transaction: `READ ONLY` for read-only sources,
 * with a first query already run so `transaction_read_only` can no longer be turned off, and a
 * statement timeout. Afterwards `DISCARD ALL` drops whatever the statement left on the pooled session
 * (settings, advisory locks, temp tables, listeners), so one call cannot change the next.
 */
export function openPostgresSource(source: SqlSource, kernelDatabaseUrl: string | undefined): SqlConnection {
  if (kernelDatabaseUrl && databaseOf(kernelDatabaseUrl) === databaseOf(source.url)) {
    throw new Error(
      `NEXUS_SQL_SOURCES: source "${source.name}" is the kernel's own database (DATABASE_URL); ` +
        'point it at a database of its own, through a role that can reach only what it serves',
    )
  }
  const pool = new pg.Pool({ connectionString: source.url, max: 4, query_timeout: STATEMENT_TIMEOUT_MS + 5_000 })
  // An idle connection that fails (the server restarts) is dropped by the pool; unheard, it would end the process.
  pool.on('error', (error) => console.error(`[nexus.sql] source "${source.name}":`, error.message))
  const begin =
    `${source.readonly ? 'BEGIN READ ONLY' : 'BEGIN'}; ` +
    `SELECT set_config('statement_timeout', '${STATEMENT_TIMEOUT_MS}', true)`
  return {
    // Connections open on demand: a database that is down at start is reported by health, not fatal.
    async ready() {},
    async query(text, params) {
      checkStatementText(source.name, text, source.readonly, 'postgresql')
      const client = await pool.connect()
      let broken = true
      try {
        await client.query(begin)
        const outcome = await client.query(extended(text, params as unknown[])).then(
          (result) => ({ result, error: undefined }),
          (error: unknown) => ({ result: undefined, error }),
        )
        await client.query(outcome.result && !source.readonly ? 'COMMIT' : 'ROLLBACK')
        await client.query('DISCARD ALL')
        broken = false
        if (!outcome.result) throw outcome.error
        const { rows, rowCount } = outcome.result
        return { rows: rows as JsonObject[], rowCount: rowCount ?? rows.length }
      } catch (error) {
        // 25006: the server refused a write in a read-only transaction (a data-modifying WITH, a function).
        if ((error as { code?: string }).code === '25006') throw refused(source.name, 'a write', true, 'postgresql')
        throw error
      } finally {
        client.release(broken)
      }
    },
    async close() {
      await pool.end()
    },
  }
}

import { existsSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import Database from 'better-sqlite3'
import type { JsonObject } from '@nexus/protocol'
import { checkStatementText, outsideReach, refused, type VdbeOp } from './sqlGuard.ts'
import type { SqlConnection, SqlSource } from './sqlSource.ts'

/**
 * Refuses, at start, a SQLite source that is the kernel's own data: a file inside its data directory
 * (accounts, keys, panels, the JWT secret) or another name for its database file (a link).
 */
export function assertOutsideDataDir(source: SqlSource, path: string, dataDir: string): void {
  const file = realpathSync(path)
  const data = existsSync(dataDir) ? realpathSync(dataDir) : dataDir
  const inside = relative(data, file)
  const kernelDb = join(data, 'nexus.db')
  const same = existsSync(kernelDb) && sameFile(file, kernelDb)
  if (same || !inside || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new Error(
      `NEXUS_SQL_SOURCES: source "${source.name}" (${path}) is inside the kernel's data directory ${data}; ` +
        'point it at a database of its own outside that directory',
    )
  }
}

function sameFile(a: string, b: string): boolean {
  const [x, y] = [statSync(a), statSync(b)]
  return x.dev === y.dev && x.ino === y.ino
}

/**
 * A SQLite source. better-sqlite3 has no authorizer hook, so every statement is checked twice before it
 * runs: its text (one allowed DML statement, no denied names) and its compiled program (`EXPLAIN`: nothing
 * that attaches, vacuums, changes the schema or loads code). Read-only sources are opened read-only, with
 * `query_only` on and only statements SQLite itself calls read-only. Untrusted schema objects may not
 * call functions with side effects (`trusted_schema=OFF`); extension loading stays off.
 */
export function openSqliteSource(source: SqlSource, path: string, dataDir: string): SqlConnection {
  assertOutsideDataDir(source, path, dataDir)
  const db = new Database(path, { fileMustExist: true, readonly: source.readonly })
  db.pragma('trusted_schema = OFF')
  if (source.readonly) db.pragma('query_only = ON')
  return {
    async query(text, params, maxRows) {
      checkStatementText(source.name, text, source.readonly, 'sqlite')
      const statement = db.prepare(text) // refuses more than one statement
      const values = params as unknown[]
      const program = db.prepare(`EXPLAIN ${text}`).all(...values) as VdbeOp[]
      const reach = outsideReach(program)
      if (reach) throw refused(source.name, reach, source.readonly, 'sqlite')
      if (source.readonly && !statement.readonly) throw refused(source.name, 'a write', true, 'sqlite')
      if (!statement.reader) {
        const info = statement.run(...values)
        return { rows: [], rowCount: info.changes }
      }
      // Rows past the limit are counted, not kept, so a huge result is never held in memory.
      const rows: JsonObject[] = []
      let rowCount = 0
      for (const row of statement.iterate(...values) as IterableIterator<JsonObject>) {
        if (++rowCount <= maxRows + 1) rows.push(row)
      }
      return { rows, rowCount }
    },
    async close() {
      db.close()
    },
  }
}

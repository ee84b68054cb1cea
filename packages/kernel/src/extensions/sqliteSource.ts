import { existsSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { checkStatementText } from './sqlGuard.ts'
import { SqliteHost } from './SqliteHost.ts'
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
 * runs: its text here (one allowed DML statement, no denied names), then its compiled program in the
 * source's own process (`EXPLAIN`: nothing that attaches, vacuums, changes the schema or loads code; see
 * `sqliteStatement.ts`). Read-only sources are opened read-only, with `query_only` on and only statements
 * SQLite itself calls read-only. Untrusted schema objects may not call functions with side effects
 * (`trusted_schema=OFF`); extension loading stays off.
 */
export function openSqliteSource(source: SqlSource, path: string, dataDir: string): SqlConnection {
  if (!existsSync(path)) {
    throw new Error(`NEXUS_SQL_SOURCES: source "${source.name}": no SQLite database at ${path} (create it first)`)
  }
  assertOutsideDataDir(source, path, dataDir)
  const host = new SqliteHost(source, path)
  return {
    ready: () => host.start(),
    async query(text, params, maxRows) {
      checkStatementText(source.name, text, source.readonly, 'sqlite')
      return host.run(text, params, maxRows)
    },
    close: () => host.close(),
  }
}
